const { format } = require('date-fns');
console.log(format(new Date(), 'yyyy-MM-dd'));

const http = require('node:http');
const ms = require('ms');
const store = require('./store');

const started = Date.now();

const port = Number(process.env.PORT) || 3000;

http
  .createServer((req, res) => {
    if (req.url === '/health') {
      res.end('ok');
      return;
    }
    // Every visit is written to the data folder before it is counted back.
    const count = store.visit();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ visits: count, written: true, up: ms(Date.now() - started) }));
  })
  .listen(port, () => console.log(`data-dir listening on ${port}`));

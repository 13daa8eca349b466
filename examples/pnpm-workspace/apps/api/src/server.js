const http = require('node:http');
const ms = require('ms');
const { greet } = require('@demo/greet');

const port = Number(process.env.PORT) || 3000;
const started = Date.now();

http
  .createServer((req, res) => {
    const name = new URL(req.url, 'http://x').searchParams.get('name') || 'world';
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ message: greet(name), up: ms(Date.now() - started) }));
  })
  .listen(port, () => console.log(`api listening on ${port}`));

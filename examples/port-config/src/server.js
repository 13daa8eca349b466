const http = require('node:http');
const ms = require('ms');
const config = require('./config');

const started = Date.now();

http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, port: config.http.port, up: ms(Date.now() - started) }));
  })
  .listen(config.http.port, () => console.log(`port-config listening on ${config.http.port}`));

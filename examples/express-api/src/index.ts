import express from 'express';
import { todoRouter } from './routes';

const app = express();
const port = Number(process.env.PORT) || 3000;

app.use(express.json());

app.get('/', (_req, res) => {
  res.json({ name: 'express-api', version: '1.0.0', node: process.version });
});

app.get('/health', (_req, res) => {
  res.type('text/plain').send('ok');
});

app.use('/todos', todoRouter);

const server = app.listen(port, () => {
  console.log(`express-api listening on port ${port}`);
});

function shutdown(signal: string) {
  console.log(`${signal} received, shutting down`);
  server.close(() => process.exit(0));
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

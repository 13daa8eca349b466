import { Hono } from 'hono';

const app = new Hono();

app.get('/', (c) => c.json({ message: 'hello from bun', runtime: `bun ${Bun.version}` }));
app.get('/health', (c) => c.text('ok'));

// Bun serves the default export; PORT overrides the port.
export default { port: Number(process.env.PORT ?? 3000), fetch: app.fetch };

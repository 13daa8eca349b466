import Fastify from "fastify";
import bcrypt from "bcrypt";

const app = Fastify({ logger: true });

// A stored hash, as a user table would hold it.
const stored = await bcrypt.hash("secret", 10);

app.get("/health", async () => "ok");

app.get("/verify", async (request) => {
  const password = String(request.query.password ?? "");
  return { valid: await bcrypt.compare(password, stored) };
});

app.post("/hash", async (request) => {
  const password = String(request.body?.password ?? "");
  return { hash: await bcrypt.hash(password, 10) };
});

const port = Number(process.env.PORT) || 8080;
await app.listen({ port, host: "0.0.0.0" });

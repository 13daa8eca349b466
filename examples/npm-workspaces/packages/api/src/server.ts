import express from "express";
import { greet } from "@demo/greeting";

const app = express();

app.get("/", (req, res) => {
  res.json({ message: greet(String(req.query.name ?? "world")) });
});

app.get("/health", (_req, res) => {
  res.type("text/plain").send("ok");
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, () => {
  console.log(`api listening on ${port}`);
});

import { runServer } from "@ll/runner";
import { createApp } from "./app.js";

await runServer(createApp(), {
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 8080),
});

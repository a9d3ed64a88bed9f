// Several worker processes (node:cluster) sharing one port; each answers with its pid.
import { availableParallelism } from "node:os";
import { runServer } from "@ll/runner";
import { Response } from "@ll/server";

await runServer(() => new Response({ text: `served by worker ${process.pid}` }), {
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 8080),
  workers: Number(process.env.WORKERS ?? Math.min(4, availableParallelism())),
});

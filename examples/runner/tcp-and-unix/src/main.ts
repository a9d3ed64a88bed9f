// One server on two sites at once: a TCP port and a Unix socket (what nginx would proxy to).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServerRunner, TCPSite, UnixSite } from "@ll/runner";
import { type BaseRequest, Response, Server } from "@ll/server";

const server = new Server((request: BaseRequest) => {
  // Over a Unix socket there is no remote address.
  return new Response({ text: `Hello over ${request.remote === undefined ? "unix" : "tcp"}` });
});
const runner = new ServerRunner(server, { handleSignals: true });
await runner.setup();
const tcp = new TCPSite(runner, process.env.HOST ?? "127.0.0.1", Number(process.env.PORT ?? 8080));
const unix = new UnixSite(runner, process.env.SOCKET_PATH ?? join(tmpdir(), "ll-example.sock"));
await tcp.start();
await unix.start();
for (const site of runner.sites) console.log(`======= Serving on ${site.name}/ ======`);

// The example at the top of the repository README, as written there. HOST and PORT may override the defaults
// ("localhost", 8080) so tests can use a free port.
import * as web from "@ll/web";

async function handler(request: web.BaseRequest): Promise<web.StreamResponse> {
  return new web.Response({ text: "OK" });
}

const server = new web.Server(handler);
const runner = new web.ServerRunner(server);
await runner.setup();
const site = new web.TCPSite(
  runner,
  process.env.HOST ?? "localhost",
  Number(process.env.PORT ?? 8080),
);
await site.start();
// Ctrl+C and `kill` shut down gracefully: in-flight requests finish first.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void runner.cleanup().then(() => process.exit(0)));
}

const address = runner.addresses.find(
  (entry): entry is import("node:net").AddressInfo => typeof entry !== "string",
);
console.log(`======= Serving on http://127.0.0.1:${address?.port ?? 8080}/ ======`);

import { Response, Server } from "@ll/server";
import { request } from "undici";

/** A server answering `OK <path>`. */
export function okServer(): Server {
  return new Server((incoming) => new Response({ text: `OK ${incoming.path}` }));
}

/** GET `url` and return status, headers and body text. */
export async function get(url: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(url, options);
  return {
    status: response.statusCode,
    headers: response.headers,
    body: await response.body.text(),
  };
}

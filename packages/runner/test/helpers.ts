import { Response, Server } from "@ll/server";
import { request } from "undici";

/** A server answering `OK <path>`, or after `ms` milliseconds for `/slow?ms=…`. */
export function okServer(): Server {
  return new Server(async (incoming) => {
    const delay = Number(incoming.query.get("ms") ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return new Response({ text: `OK ${incoming.path}` });
  });
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

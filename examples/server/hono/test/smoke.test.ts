import { request } from "undici";
import { describe, expect, it } from "vitest";
import { useExample } from "../../../start-example.js";

const start = useExample(import.meta.url);

describe("server hono example", () => {
  it("serves routes, JSON, cookies and events", async () => {
    const url = await start();
    const user = await request(`${url}users/7`);
    expect(await user.body.json()).toEqual({ id: "7" });
    const echo = await request(`${url}echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    });
    expect(await echo.body.json()).toEqual({ received: { a: 1 } });
    const login = await request(`${url}login`);
    expect(login.headers["set-cookie"]).toEqual([
      "session=abc; Path=/; HttpOnly",
      "theme=dark; Path=/",
    ]);
    await login.body.text();
    const whoami = await request(`${url}whoami`, { headers: { cookie: "session=abc" } });
    expect(await whoami.body.text()).toBe("session=abc");
    const events = await request(`${url}events`);
    expect(events.headers["content-type"]).toBe("text/event-stream");
    expect(await events.body.text()).toBe(
      "event: tick\ndata: tick 1\nid: 1\n\nevent: tick\ndata: tick 2\nid: 2\n\nevent: tick\ndata: tick 3\nid: 3\n\n",
    );
  });
});

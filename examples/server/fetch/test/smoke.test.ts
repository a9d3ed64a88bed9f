import { request } from "undici";
import { describe, expect, it } from "vitest";
import { useExample } from "../../../start-example.js";

const start = useExample(import.meta.url);

describe("server fetch example", () => {
  it("greets, reads a body and answers 404 in JSON", async () => {
    const url = await start();
    expect(await (await request(`${url}?name=Ada`)).body.text()).toBe("Hello, Ada");
    const upper = await request(`${url}upper`, { method: "POST", body: "shout" });
    expect(await upper.body.text()).toBe("SHOUT");
    const missing = await request(`${url}nope`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-type"]).toBe("application/json");
    expect(await missing.body.json()).toEqual({ error: "not found", path: "/nope" });
  });
});

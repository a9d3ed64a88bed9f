import { request } from "undici";
import { describe, expect, it } from "vitest";
import { useExample } from "../../../start-example.js";

const start = useExample(import.meta.url);

describe("server hello example", () => {
  it("greets", async () => {
    const url = await start();
    const response = await request(`${url}?name=Ada`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(await response.body.text()).toBe("Hello, Ada");
  });
});

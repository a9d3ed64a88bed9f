import { request } from "undici";
import { describe, expect, it } from "vitest";
import { useExample } from "../../../start-example.js";

const start = useExample(import.meta.url);

describe("server http-exceptions example", () => {
  it("answers with the thrown exceptions", async () => {
    const url = await start();
    const found = await request(url);
    expect(found.statusCode).toBe(302);
    expect(found.headers.location).toBe("/items/1");
    await found.body.dump();
    const item = await request(`${url}items/1`);
    expect(await item.body.json()).toEqual({ id: 1, name: "apple" });
    const missing = await request(`${url}items/9`);
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.text()).toBe("404: Not Found");
    const post = await request(`${url}items/1`, { method: "POST" });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe("GET");
    await post.body.dump();
  });
});

import { request } from "undici";
import { describe, expect, it } from "vitest";
import { useExample } from "../../../start-example.js";

const start = useExample(import.meta.url);

describe("server json-api example", () => {
  it("creates, lists and deletes todos", async () => {
    const url = await start();
    const created = await request(`${url}todos`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "write tests" }),
    });
    expect(created.statusCode).toBe(201);
    expect(await created.body.json()).toEqual({ id: 1, title: "write tests", done: false });
    const listed = await request(`${url}todos`, { headers: { "Accept-Encoding": "identity" } });
    expect(listed.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(await listed.body.json()).toEqual([{ id: 1, title: "write tests", done: false }]);
    const compressed = await request(`${url}todos/1`, { headers: { "Accept-Encoding": "gzip" } });
    expect(compressed.headers["content-encoding"]).toBe("gzip");
    expect(compressed.headers.vary).toBe("Accept-Encoding");
    await compressed.body.dump();
    const deleted = await request(`${url}todos/1`, { method: "DELETE" });
    expect(deleted.statusCode).toBe(200);
    await deleted.body.dump();
    const gone = await request(`${url}todos/1`);
    expect(gone.statusCode).toBe(404);
    expect(await gone.body.text()).toBe("No todo 1");
  });

  it("answers 400 for a bad body", async () => {
    const url = await start();
    const response = await request(`${url}todos`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.statusCode).toBe(400);
    expect(await response.body.text()).toBe('Expected a JSON object with a non-empty "title"');
  });
});

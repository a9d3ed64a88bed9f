import { request } from "undici";
import { describe, expect, it } from "vitest";
import { useExample } from "../../../start-example.js";

const start = useExample(import.meta.url);

describe("server streaming example", () => {
  it("streams the lines chunked", async () => {
    const url = await start();
    const response = await request(`${url}?count=3`);
    expect(response.headers["transfer-encoding"]).toBe("chunked");
    expect(await response.body.text()).toBe("line 1 of 3\nline 2 of 3\nline 3 of 3\n");
  });
});

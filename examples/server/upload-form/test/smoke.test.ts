import { FormData, request } from "undici";
import { describe, expect, it } from "vitest";
import { useExample } from "../../../start-example.js";

const start = useExample(import.meta.url);

describe("server upload-form example", () => {
  it("shows the form", async () => {
    const url = await start();
    const response = await request(url);
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toContain('enctype="multipart/form-data"');
  });

  it("lists the uploaded files", async () => {
    const url = await start();
    const form = new FormData();
    form.append("title", "Holiday <3");
    form.append("file", new Blob(["x".repeat(2000)], { type: "image/png" }), "a.png");
    form.append("file", new Blob(["hello"]), "b.txt");
    const response = await request(url, { method: "POST", body: form });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe(
      "<h1>Holiday &#60;3</h1><ul><li>a.png: 2000 bytes (image/png)</li><li>b.txt: 5 bytes (application/octet-stream)</li></ul>",
    );
  });
});

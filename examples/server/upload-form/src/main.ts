import net from "node:net";
import { type BaseRequest, type FileField, Response, Server } from "@ll/server";

const FORM = `<!doctype html>
<title>Upload</title>
<form method="post" enctype="multipart/form-data">
  <input name="title" placeholder="Title"> <input type="file" name="file" multiple>
  <button>Upload</button>
</form>`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

// GET shows the form; POST reads it with request.post(): text fields as strings, files as
// FileFields whose data is spooled to a temporary file once large (removed after the request).
async function handler(request: BaseRequest): Promise<Response> {
  if (request.method !== "POST") return new Response({ text: FORM, contentType: "text/html" });
  const form = await request.post();
  const title = form.get("title");
  const files = form
    .getAll("file")
    .filter((value): value is FileField => typeof value === "object" && "filename" in value);
  const lines = files.map(
    (file) =>
      `<li>${escapeHtml(file.filename)}: ${file.file.size} bytes (${escapeHtml(file.contentType)})</li>`,
  );
  return new Response({
    text: `<h1>${escapeHtml(typeof title === "string" ? title : "")}</h1><ul>${lines.join("")}</ul>`,
    contentType: "text/html",
  });
}

// clientMaxSize bounds the whole upload: past 10 MiB the answer is 413.
const server = new Server(handler, { clientMaxSize: 10 * 1024 * 1024 });
const host = process.env.HOST ?? "127.0.0.1";
const listener = net.createServer(server.connectionListener);
listener.listen(Number(process.env.PORT ?? 8080), host, () => {
  const { port } = listener.address() as net.AddressInfo;
  console.log(`======= Serving on http://${host}:${port}/ ======`);
});

process.on("SIGINT", () => {
  listener.close();
  void server.shutdown(5000).then(() => process.exit(0));
});

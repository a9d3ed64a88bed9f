// multipart/form-data bodies parsed per second by @ll/server's MultipartReader (reading every
// part with readChunk) and by the WHATWG parser Node ships (undici's, behind
// `new Response(body, { headers }).formData()`), on the same bytes, side by side in one process.
//
//   npx tsc -b packages/server && node benchmarks/multipart.bench.mjs
//
// Two corpora: a form of 20 small text fields, and one 4 MiB file, each fed in 64 KiB chunks
// (what a socket hands over). Both sides run back to back for several rounds; the median rate
// of each and the median of the per-round ratios (ours / Node's; > 1 means ours is faster) are
// printed.

import { CIMultiDict } from "@ll/http-protocol";
import { MultipartReader } from "@ll/server";

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ROUND_MS = Number(process.env.ROUND_MS ?? 300);
const BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

function body(parts) {
  const chunks = [];
  for (const [name, data, filename] of parts) {
    const disposition = `form-data; name="${name}"${filename ? `; filename="${filename}"` : ""}`;
    chunks.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${filename ? "Content-Type: application/octet-stream\r\n" : ""}\r\n`,
      ),
    );
    chunks.push(data, Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const corpora = {
  "20 text fields": body(
    Array.from({ length: 20 }, (_, i) => [
      `field${i}`,
      Buffer.from(`value number ${i} `.repeat(4)),
    ]),
  ),
  "one 4 MiB file": body([["file", Buffer.alloc(4 * 1024 * 1024, 0x61), "big.bin"]]),
};

function chunked(data) {
  const pieces = [];
  for (let offset = 0; offset < data.length; offset += 65536)
    pieces.push(data.subarray(offset, offset + 65536));
  return pieces;
}

const headers = new CIMultiDict({ "Content-Type": CONTENT_TYPE });

async function ours(pieces) {
  let index = 0;
  const source = { readany: async () => pieces[index++] ?? Buffer.alloc(0) };
  const reader = new MultipartReader(headers, source);
  let bytes = 0;
  for (let part = await reader.next(); part !== null; part = await reader.next()) {
    for (
      let chunk = await part.readChunk(65536);
      chunk.length > 0;
      chunk = await part.readChunk(65536)
    )
      bytes += chunk.length;
  }
  return bytes;
}

async function node(pieces) {
  const stream = new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  const form = await new globalThis.Response(stream, {
    headers: { "Content-Type": CONTENT_TYPE },
  }).formData();
  let bytes = 0;
  for (const [, value] of form) bytes += typeof value === "string" ? value.length : value.size;
  return bytes;
}

async function rate(fn, pieces) {
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < ROUND_MS) {
    await fn(pieces);
    count++;
  }
  return (count * 1000) / (performance.now() - start);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const [name, data] of Object.entries(corpora)) {
  const pieces = chunked(data);
  if ((await ours(pieces)) !== (await node(pieces)))
    throw new Error(`${name}: the parsers disagree`);
  const oursRates = [];
  const nodeRates = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = await rate(ours, pieces);
    const b = await rate(node, pieces);
    oursRates.push(a);
    nodeRates.push(b);
    ratios.push(a / b);
  }
  console.log(
    `${name.padEnd(16)} ours ${median(oursRates).toFixed(0).padStart(7)}/s  node ${median(nodeRates).toFixed(0).padStart(7)}/s  ratio ${median(ratios).toFixed(2)}`,
  );
}

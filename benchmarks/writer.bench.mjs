// Response-head serialization and header-map throughput of @ll/http-protocol, each side by side
// with a baseline in the same process:
//
//   npx tsc -b packages/http-protocol && node benchmarks/writer.bench.mjs
//
// 1. serializeResponseHead() for a typical 5-header response vs what node:http does per header
//    (validateHeaderName + validateHeaderValue, the same string building, Buffer.from latin1).
// 2. CIMultiDict built from a browser's 15 request headers, then 6 lookups (2 of them misses),
//    vs a Map<lowercase, string[]> and vs a plain object like Node's `req.headers`.
// Rounds alternate the contenders; the median rate of each and the ratio (ours / baseline,
// > 1 means faster) are printed. Options (environment): ROUNDS (5), ROUND_MS (300).
import { validateHeaderName, validateHeaderValue } from "node:http";
import { CIMultiDict, HttpVersion11, serializeResponseHead } from "@ll/http-protocol";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ROUND_MS = Number(process.env.ROUND_MS ?? 300);

let sink = 0;

/** Runs `fn` in batches for about ROUND_MS; returns operations per second. */
function rate(fn) {
  const batch = 1000;
  let operations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ROUND_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let index = 0; index < batch; index++) fn();
    operations += batch;
    now = process.hrtime.bigint();
  }
  return (operations * 1e9) / Number(now - start);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function compare(title, contenders) {
  const rates = contenders.map(() => []);
  for (const [, fn] of contenders) rate(fn); // warm up
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders.keys() : [...contenders.keys()].reverse();
    for (const index of order) rates[index].push(rate(contenders[index][1]));
  }
  const ours = median(rates[0]);
  console.log(title);
  for (const [index, [name]] of contenders.entries()) {
    const value = median(rates[index]);
    const ratio = index === 0 ? "" : `  ours/this: ${(ours / value).toFixed(2)}`;
    console.log(
      `  ${name.padEnd(34)} ${Math.round(value).toLocaleString("en-US").padStart(12)} ops/s${ratio}`,
    );
  }
}

// 1. Response head
const responseHeaders = [
  ["Content-Type", "application/json; charset=utf-8"],
  ["Content-Length", "1234"],
  ["Date", "Mon, 23 Nov 2026 22:51:54 GMT"],
  ["Server", "Python/3.12 aiohttp/3.14"],
  ["Cache-Control", "no-cache"],
];

function nodeLikeHead() {
  let head = "HTTP/1.1 200 OK\r\n";
  for (const [name, value] of responseHeaders) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    head += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${head}\r\n`, "latin1");
}

compare("serializeResponseHead, 200 OK + 5 headers", [
  [
    "@ll serializeResponseHead",
    () => (sink += serializeResponseHead(HttpVersion11, 200, "OK", responseHeaders).length),
  ],
  ["node:http validate + concat", () => (sink += nodeLikeHead().length)],
]);

// 2. Request headers: build + lookups
const rawHeaders = [
  "Host",
  "www.example.com",
  "Connection",
  "keep-alive",
  "sec-ch-ua",
  '"Not_A Brand";v="8", "Chromium";v="120"',
  "sec-ch-ua-mobile",
  "?0",
  "User-Agent",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36",
  "sec-ch-ua-platform",
  '"Linux"',
  "Accept",
  "*/*",
  "Sec-Fetch-Site",
  "same-origin",
  "Sec-Fetch-Mode",
  "no-cors",
  "Sec-Fetch-Dest",
  "script",
  "Referer",
  "https://www.example.com/products/index.html",
  "Accept-Encoding",
  "gzip, deflate, br",
  "Accept-Language",
  "en-US,en;q=0.9",
  "Cookie",
  "session=9f8e7d6c5b4a39281706f5e4d3c2b1a0; theme=dark",
  "Cookie",
  "_ga=GA1.2.1234567890.1700000000",
];
const lookups = [
  "host",
  "Connection",
  "content-length",
  "Transfer-Encoding",
  "accept-encoding",
  "cookie",
];

function ours() {
  const headers = new CIMultiDict();
  for (let index = 0; index < rawHeaders.length; index += 2)
    headers.add(rawHeaders[index], rawHeaders[index + 1]);
  for (const name of lookups) if (headers.get(name) !== undefined) sink++;
}

function map() {
  const headers = new Map();
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const key = rawHeaders[index].toLowerCase();
    const values = headers.get(key);
    if (values === undefined) headers.set(key, [rawHeaders[index + 1]]);
    else values.push(rawHeaders[index + 1]);
  }
  for (const name of lookups) if (headers.get(name.toLowerCase())?.[0] !== undefined) sink++;
}

function object() {
  const headers = {};
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const key = rawHeaders[index].toLowerCase();
    const value = rawHeaders[index + 1];
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  for (const name of lookups) if (headers[name.toLowerCase()] !== undefined) sink++;
}

compare("request headers: build from 15 pairs + 6 lookups", [
  ["@ll CIMultiDict", ours],
  ["Map<lowercase, string[]>", map],
  ["object (like Node's req.headers)", object],
]);

if (sink === 0) console.log("");

// Requests parsed per second by @ll/http-protocol's HttpRequestParser and by Node's own
// llhttp-based HTTPParser (node:_http_common), on the same bytes, side by side in one process.
//
//   npx tsc -b packages/http-protocol && node benchmarks/parser.bench.mjs
//
// Each corpus is fed as one buffer per iteration to one long-lived parser (a keep-alive
// connection), the way both parsers see a socket's data. The handlers do the minimum a server
// does: count messages and body bytes. Node's parser is set up as in Node's own
// benchmark/http/bench-parser.js. The two parsers run back to back for several rounds; the
// median rate of each is printed with the median of the per-round ratios (ours / Node's; > 1
// means ours is faster).
import { createRequire } from "node:module";
import { HttpRequestParser } from "@ll/http-protocol";

const require = createRequire(import.meta.url);
const { HTTPParser } = require("node:_http_common");

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ROUND_MS = Number(process.env.ROUND_MS ?? 300);

const browserGet =
  "GET /static/js/app.4f9d2c1b.js?v=20240105 HTTP/1.1\r\n" +
  "Host: www.example.com\r\n" +
  "Connection: keep-alive\r\n" +
  'sec-ch-ua: "Not_A Brand";v="8", "Chromium";v="120", "Google Chrome";v="120"\r\n' +
  "sec-ch-ua-mobile: ?0\r\n" +
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n" +
  'sec-ch-ua-platform: "Linux"\r\n' +
  "Accept: */*\r\n" +
  "Sec-Fetch-Site: same-origin\r\n" +
  "Sec-Fetch-Mode: no-cors\r\n" +
  "Sec-Fetch-Dest: script\r\n" +
  "Referer: https://www.example.com/products/index.html\r\n" +
  "Accept-Encoding: gzip, deflate, br\r\n" +
  "Accept-Language: en-US,en;q=0.9,fr;q=0.8\r\n" +
  "Cookie: session=9f8e7d6c5b4a39281706f5e4d3c2b1a0; theme=dark; _ga=GA1.2.1234567890.1700000000\r\n" +
  "\r\n";

const chunk = "x".repeat(1024);
const chunkedPost =
  "POST /api/upload HTTP/1.1\r\n" +
  "Host: api.example.com\r\n" +
  "User-Agent: curl/8.5.0\r\n" +
  "Accept: */*\r\n" +
  "Content-Type: application/octet-stream\r\n" +
  "Transfer-Encoding: chunked\r\n" +
  "\r\n" +
  `400\r\n${chunk}\r\n`.repeat(4) +
  "0\r\n\r\n";

const corpora = [
  { name: "small GET, browser headers", data: Buffer.from(browserGet, "latin1"), requests: 1 },
  { name: "POST, 4 KiB chunked body", data: Buffer.from(chunkedPost, "latin1"), requests: 1 },
  { name: "16 pipelined GETs", data: Buffer.from(browserGet.repeat(16), "latin1"), requests: 16 },
];

function ours() {
  const state = { messages: 0, bodyBytes: 0, headers: 0 };
  const parser = new HttpRequestParser({
    onMessage(message) {
      state.headers += message.rawHeaders.length;
    },
    onBody(body) {
      state.bodyBytes += body.length;
    },
    onMessageComplete() {
      state.messages++;
    },
  });
  return { state, feed: (data) => parser.feedData(data) };
}

function node() {
  const state = { messages: 0, bodyBytes: 0, headers: 0 };
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {});
  parser[HTTPParser.kOnHeaders] = (headers) => {
    state.headers += headers.length;
  };
  parser[HTTPParser.kOnHeadersComplete] = (_major, _minor, headers) => {
    state.headers += headers.length;
  };
  parser[HTTPParser.kOnBody] = (body) => {
    state.bodyBytes += body.length;
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    state.messages++;
  };
  return {
    state,
    feed: (data) => {
      const result = parser.execute(data);
      if (result instanceof Error) throw result;
    },
  };
}

/** Requests per second for `ROUND_MS`, feeding `data` again and again. */
function measure(create, corpus) {
  const { state, feed } = create();
  const { data, requests } = corpus;
  for (let index = 0; index < 2000; index++) feed(data); // warm up
  const before = state.messages;
  let iterations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ROUND_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let index = 0; index < 200; index++) feed(data);
    iterations += 200;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  if (state.messages - before !== iterations * requests) {
    throw new Error(
      `${corpus.name}: expected ${iterations * requests} messages, got ${state.messages - before}`,
    );
  }
  return (iterations * requests) / seconds;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const format = (rate) => `${Math.round(rate).toLocaleString("en-US")} req/s`.padStart(16);

console.log(
  `HTTP request parser: @ll/http-protocol vs Node ${process.version} HTTPParser (llhttp)`,
);
const ratios = [];
for (const corpus of corpora) {
  const oursRates = [];
  const nodeRates = [];
  const roundRatios = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Back to back, alternating which goes first, so load from other processes hits both alike.
    const first = round % 2 === 0 ? ours : node;
    const firstRate = measure(first, corpus);
    const secondRate = measure(first === ours ? node : ours, corpus);
    const [oursRate, nodeRate] = first === ours ? [firstRate, secondRate] : [secondRate, firstRate];
    oursRates.push(oursRate);
    nodeRates.push(nodeRate);
    roundRatios.push(oursRate / nodeRate);
  }
  const ratio = median(roundRatios);
  ratios.push(ratio);
  console.log(
    `${corpus.name.padEnd(28)} ours ${format(median(oursRates))}  node ${format(median(nodeRates))}  ratio ${ratio.toFixed(2)}`,
  );
}
console.log(`min ratio ${Math.min(...ratios).toFixed(2)}`);

import { gzipSync } from "node:zlib";

/** A small seeded PRNG (mulberry32): the same seed gives the same fuzz run, so a failure replays. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GZIPPED = gzipSync("compressed body");

/** Valid requests the mutations start from: every framing, pipelines, versions and forms. */
export const SEEDS: readonly Buffer[] = [
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /path/x?query=1&b=%20 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n",
  "HEAD /head HTTP/1.1\r\nHost: a\r\n\r\n",
  "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world",
  "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
  "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\n\r\n",
  "GET /old HTTP/1.0\r\n\r\n",
  "POST /old HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabcGET /again HTTP/1.0\r\n\r\n",
  "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbodyGET /3 HTTP/1.1\r\nHost: a\r\n\r\n",
  "POST /continue HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody",
  "GET /close HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
  "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET http://a/absolute HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
  `GET /cookies HTTP/1.1\r\nHost: a\r\nCookie: a=1; b=2\r\nX-Long: ${"v".repeat(2000)}\r\n\r\n`,
  "PUT /empty HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
  "DELETE /thing HTTP/1.1\r\nHost: a\r\n\r\n",
  '--X\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--X--\r\n',
  "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
]
  .map((text, index) =>
    // The multipart body gets its head here, so its Content-Length is right.
    index === 18
      ? `POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; boundary=X\r\nContent-Length: ${text.length}\r\n\r\n${text}`
      : text,
  )
  .map((text) => Buffer.from(text, "latin1"))
  .concat(
    Buffer.concat([
      Buffer.from(
        `POST /gzip HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\nContent-Length: ${GZIPPED.length}\r\n\r\n`,
      ),
      GZIPPED,
    ]),
  );

const INSERTS = [13, 10, 0, 32, 58, 9, 127, 0xff];
const HUGE = ["99999999999999999999", "4294967296", "1000000000", "-1", "0x10", "1e3"];

type Mutation = (input: Buffer, next: () => number) => Buffer;

const pick = (length: number, next: () => number) => Math.floor(next() * length);

/** The mutations of a byte-level fuzzer, each a small edit of the input. */
export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  flip(input, next) {
    if (input.length === 0) return input;
    const copy = Buffer.from(input);
    copy[pick(copy.length, next)]! ^= 1 << pick(8, next);
    return copy;
  },
  insert(input, next) {
    const at = pick(input.length + 1, next);
    const byte = INSERTS[pick(INSERTS.length, next)]!;
    return Buffer.concat([input.subarray(0, at), Buffer.of(byte), input.subarray(at)]);
  },
  remove(input, next) {
    if (input.length === 0) return input;
    const at = pick(input.length, next);
    return Buffer.concat([input.subarray(0, at), input.subarray(at + 1)]);
  },
  truncate(input, next) {
    return input.subarray(0, pick(input.length, next));
  },
  duplicate(input, next) {
    const from = pick(input.length, next);
    const to = Math.min(input.length, from + 1 + pick(64, next));
    const at = pick(input.length + 1, next);
    return Buffer.concat([input.subarray(0, at), input.subarray(from, to), input.subarray(at)]);
  },
  hugeNumber(input, next) {
    const text = input.toString("latin1");
    const numbers = [...text.matchAll(/\d+/g)];
    if (numbers.length === 0) return input;
    const match = numbers[pick(numbers.length, next)]!;
    const replacement = HUGE[pick(HUGE.length, next)]!;
    const start = match.index;
    return Buffer.from(
      text.slice(0, start) + replacement + text.slice(start + match[0].length),
      "latin1",
    );
  },
};

const NAMES = Object.keys(MUTATIONS);

/** One fuzz case: a seed with one to three mutations, and their names. */
export function mutate(next: () => number): { input: Buffer; applied: string[] } {
  let input = SEEDS[pick(SEEDS.length, next)]!;
  const applied: string[] = [];
  const count = 1 + pick(3, next);
  for (let index = 0; index < count; index++) {
    const name = NAMES[pick(NAMES.length, next)]!;
    input = MUTATIONS[name]!(input, next);
    applied.push(name);
  }
  return { input, applied };
}

/** Input a server may close on without a word: nothing, or only the empty lines between requests. */
export function isBlank(input: Buffer): boolean {
  for (const byte of input) if (byte !== 13 && byte !== 10) return false;
  return true;
}

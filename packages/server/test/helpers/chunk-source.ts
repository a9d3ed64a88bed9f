/** A `readany()` source handing out `chunks` one by one, then empty buffers (end of body). */
export function chunkSource(...chunks: Array<Buffer | string>): { readany(): Promise<Buffer> } {
  // An empty chunk would read as the end of the body: leave them out.
  const queue = chunks
    .map((chunk) => (typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk))
    .filter((chunk) => chunk.length > 0);
  return {
    readany: async () => queue.shift() ?? Buffer.alloc(0),
  };
}

/** The ways to cut `data` in two, as sources (every split point, ws/undici style). */
export function splitSources(data: string): Array<[number, () => { readany(): Promise<Buffer> }]> {
  const cuts: Array<[number, () => { readany(): Promise<Buffer> }]> = [];
  for (let offset = 0; offset <= data.length; offset++) {
    cuts.push([offset, () => chunkSource(data.slice(0, offset), data.slice(offset))]);
  }
  return cuts;
}

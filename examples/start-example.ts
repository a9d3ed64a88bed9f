/**
 * Shared by the examples' smoke tests: starts a built example (`dist/main.js`) on a free port
 * and waits for the line that says where it listens.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

/** A running example. */
export interface StartedExample {
  readonly child: ChildProcess;
  /** The first capture group of `ready` in the output. */
  readonly url: string;
  /** Everything printed up to the ready line. */
  readonly output: string;
  /** Resolves with all the output once it matches `pattern` (the example keeps printing). */
  waitFor(pattern: RegExp): Promise<string>;
}

/** Options of {@link startExample}. */
export interface StartExampleOptions {
  /** Extra environment (PORT defaults to "0"). */
  env?: Record<string, string>;
  /** The output that means "listening"; its first group is the URL (default: any http/ws URL). */
  ready?: RegExp;
}

/**
 * Spawns `node <main>` with `PORT=0` and resolves once its output matches `ready`.
 * @throws {Error} when the example exits first, with what it printed.
 */
export async function startExample(
  main: URL,
  options: StartExampleOptions = {},
): Promise<StartedExample> {
  const ready = options.ready ?? /((?:https?|wss?):\/\/\S+?:\d+\/?)/;
  const child = spawn(process.execPath, [fileURLToPath(main)], {
    env: { ...process.env, PORT: "0", ...options.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Read with a listener, not `for await`: leaving that loop would close the pipe, and the
  // example's next line would fail with EPIPE.
  let output = "";
  // Every waitFor() waiting, woken on each piece of output (several may wait at once).
  const waiting = new Set<() => void>();
  const wake = (): void => {
    for (const resolve of waiting) resolve();
    waiting.clear();
  };
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk;
    wake();
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
    wake();
  });
  const waitFor = async (pattern: RegExp): Promise<string> => {
    for (;;) {
      if (pattern.test(output)) return output;
      if (exited) throw new Error(`the example exited before printing ${pattern}:\n${output}`);
      await new Promise<void>((resolve) => waiting.add(resolve));
    }
  };
  try {
    await waitFor(ready);
  } catch {
    throw new Error(`the example exited without printing its URL:\n${output}`);
  }
  const match = ready.exec(output)!;
  return { child, url: match[1] ?? match[0], output, waitFor };
}

/**
 * For a smoke test file: returns `start()`, which runs the test's built example
 * (`../dist/main.js` beside the test folder) and resolves with the URL it prints; the example
 * is stopped after each test.
 */
export function useExample(
  testUrl: string,
  options: StartExampleOptions = { ready: /(http:\/\/\S+?:\d+\/)/ },
): () => Promise<string> {
  const main = new URL("../dist/main.js", testUrl);
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });
  return async () => {
    const started = await startExample(main, options);
    child = started.child;
    return started.url;
  };
}

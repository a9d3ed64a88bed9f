/**
 * Shared by the examples' smoke tests: starts a built example (`dist/main.js`) on a free port
 * and waits for the line that says where it listens.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A running example. */
export interface StartedExample {
  readonly child: ChildProcess;
  /** The first capture group of `ready` in the output. */
  readonly url: string;
  /** Everything printed up to the ready line. */
  readonly output: string;
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
  let output = "";
  for await (const chunk of child.stdout!) {
    output += chunk;
    const match = ready.exec(output);
    if (match) return { child, url: match[1] ?? match[0], output };
  }
  throw new Error(`the example exited without printing its URL:\n${output}`);
}

/** A promise with the functions that settle it, as made by {@link deferred}. */
export interface Deferred<T> {
  /** Settles when {@link resolve} or {@link reject} is called. */
  readonly promise: Promise<T>;
  /** Fulfils {@link promise} with `value`. */
  resolve(value: T): void;
  /** Rejects {@link promise} with `reason`. */
  reject(reason: unknown): void;
}

/**
 * A promise with its `resolve` and `reject` (`Promise.withResolvers()`, which Node.js 20 lacks),
 * for a test and a handler to wait for each other without sleeping: the handler resolves
 * `started` when a request is in flight, the test resolves `release` when it may finish.
 *
 * @example
 * ```ts
 * import { Response } from "@ll/server";
 * import { deferred, testClient } from "@ll/test-utils";
 *
 * const release = deferred();
 * await using client = await testClient(async () => {
 *   await release.promise;
 *   return new Response({ text: "done" });
 * });
 * const pending = client.get("/");
 * release.resolve();
 * expect(await (await pending).text()).toBe("done");
 * ```
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

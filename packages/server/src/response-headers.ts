/**
 * The headers of a response, which lock once the head is prepared: after `prepare()` they are
 * on the wire, so a change could only be lost in silence (node:http throws
 * `ERR_HTTP_HEADERS_SENT` in the same case).
 */

import { CIMultiDict, type MultiDictInit } from "@ll/http-protocol";

/**
 * A {@link CIMultiDict} that refuses every change once {@link lock} was called. Reading, copying
 * and iterating keep working.
 * @internal
 */
export class ResponseHeaders extends CIMultiDict<string> {
  #locked = false;

  constructor(init?: MultiDictInit<string>) {
    // Filled after super(): the base constructor would call add() before #locked exists.
    super();
    if (init !== undefined) this.extend(init);
  }

  /** Refuses every later change: called when the response's head is prepared. */
  lock(): void {
    this.#locked = true;
  }

  /** Whether {@link lock} was called. */
  get locked(): boolean {
    return this.#locked;
  }

  #check(): void {
    if (this.#locked) throw new Error("Cannot change the headers after prepare()");
  }

  /** @throws {Error} after `prepare()`. */
  override add(name: string, value: string): this {
    this.#check();
    return super.add(name, value);
  }

  /** @throws {Error} after `prepare()`. */
  override set(name: string, value: string): this {
    this.#check();
    return super.set(name, value);
  }

  /** @throws {Error} after `prepare()`. */
  override setDefault(name: string, value: string): string {
    this.#check();
    return super.setDefault(name, value);
  }

  /** @throws {Error} after `prepare()`. */
  override delete(name: string): boolean {
    this.#check();
    return super.delete(name);
  }

  /** @throws {Error} after `prepare()`. */
  override clear(): void {
    this.#check();
    super.clear();
  }

  /** @throws {Error} after `prepare()`. */
  override extend(init: MultiDictInit<string>): this {
    this.#check();
    return super.extend(init);
  }

  /** @throws {Error} after `prepare()`. */
  override update(init: MultiDictInit<string>): this {
    this.#check();
    return super.update(init);
  }
}

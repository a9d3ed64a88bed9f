/**
 * Makes a stand-in class for a native fetch class (`Request`, `Response`) act as one: every
 * member of `native.prototype` that `lazy.prototype` does not define itself is forwarded to the
 * real object the stand-in builds on first use (`this[real]`), because the native getters and
 * methods check that `this` is a real one; then `lazy.prototype` inherits from
 * `native.prototype`, so `instanceof native` holds. Run once per class, at module load.
 * @internal
 */
export function forwardToReal(
  lazy: { readonly prototype: object },
  native: { readonly prototype: object },
  real: symbol,
): void {
  const own = new Set<PropertyKey>(Reflect.ownKeys(lazy.prototype));
  for (const key of Reflect.ownKeys(native.prototype)) {
    if (own.has(key)) continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(native.prototype, key)!;
    if (descriptor.get !== undefined) {
      Object.defineProperty(lazy.prototype, key, {
        configurable: true,
        get(this: Record<symbol, object>) {
          return Reflect.get(this[real]!, key);
        },
      });
    } else if (typeof descriptor.value === "function") {
      Object.defineProperty(lazy.prototype, key, {
        configurable: true,
        writable: true,
        value(this: Record<symbol, object>, ...args: unknown[]) {
          const target = this[real]!;
          return (Reflect.get(target, key) as (...args: unknown[]) => unknown).apply(target, args);
        },
      });
    }
  }
  Object.setPrototypeOf(lazy.prototype, native.prototype);
}

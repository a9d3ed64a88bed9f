/**
 * Static files confined to a directory (aiohttp's `StaticResource`, as a function a handler
 * calls): the request-target is checked segment by segment, then the file system path is
 * resolved and must stay inside the real root.
 */

import { isUtf8 } from "node:buffer";
import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import type { BaseRequest } from "./base-request.js";
import { FileResponse } from "./file-response.js";
import { type MimeTypes, resolveMimeTypes } from "./mime-types.js";
import { percentDecode } from "./percent-decode.js";
import { HTTPMethodNotAllowed, HTTPNotFound } from "./web-exceptions.js";

/** Options of {@link serveStatic}. */
export interface ServeStaticOptions {
  /**
   * The directory to serve: absolute, or relative to the working directory. It must exist;
   * symbolic links in it are resolved once per call and files must stay inside its real path.
   */
  root: string;
  /**
   * The URL path the files are mounted under (default `"/"`): `"/static"` serves
   * `<root>/app.js` at `/static/app.js`. Compared segment by segment after decoding, so
   * `/static` and `/static/` mean the same and `/staticfoo` does not match.
   */
  prefix?: string;
  /**
   * A file name to serve when the path names a directory (for example `"index.html"`).
   * Without it, directories answer 404.
   */
  index?: string;
  /** Serve names starting with `.` (default false: they answer 404). */
  dotfiles?: boolean;
  /**
   * Media types by extension, consulted before the built-in table: `FileResponse`'s
   * `mimeTypes`, e.g. `{ ".vtt": "text/vtt" }`.
   */
  mimeTypes?: MimeTypes;
}

const SERVE_STATIC_OPTIONS: OptionKeys<ServeStaticOptions> = {
  root: true,
  prefix: true,
  index: true,
  dotfiles: true,
  mimeTypes: true,
};

/** The request-target's path once checked: its decoded segments, and whether it ended in `/`. */
interface Target {
  segments: string[];
  trailingSlash: boolean;
}

/** The methods a static file answers; others get 405 (aiohttp's static route registers these). */
const ALLOWED_METHODS = ["GET", "HEAD"] as const;

const ABSOLUTE_FORM_RE = /^[A-Za-z][A-Za-z0-9+\-.]*:\/\//;

/**
 * Resolves the request to a file under `options.root` and returns a {@link FileResponse} for
 * it, which keeps all of FileResponse's behaviour: Range, ETag, If-Modified-Since and the other
 * conditionals, `.br`/`.gz` siblings, 403 for an unreadable file. Anything that is not a
 * regular file inside the root throws {@link HTTPNotFound} instead, without saying why:
 *
 * - The target is taken from `request.rawPath` (never the decoded `request.path`), split on
 *   `/`, and each segment percent-decoded exactly once, so `%2e%2e` is `..` (refused) and
 *   `%252e%252e` is the literal name `%2e%2e` (looked up as such, never decoded again).
 * - A segment that decodes to `.` or `..`, that is empty (`//`), that contains `/` (`%2f`),
 *   a backslash (raw or `%5c`), NUL (`%00`), or that is not valid UTF-8: 404.
 * - A path outside `prefix`: 404. A segment starting with `.` (a dotfile or dot-directory)
 *   unless `dotfiles` is true: 404.
 * - The path is then resolved with `fs.realpath()`: a missing file, or a symbolic link whose
 *   target lies outside the real root (or is a dotfile), gives 404. Symbolic links that stay
 *   inside the root are followed, as aiohttp's static route does by default.
 * - A directory (with or without a trailing `/`) serves `options.index` from inside it when
 *   that is a regular file, else 404. Like aiohttp's static route, `/docs` is answered directly,
 *   not redirected to `/docs/`, so relative links in that index resolve against the parent
 *   (`/`): use absolute links, or link to the directory with its trailing slash.
 * - A regular file asked for with a trailing slash (`/a.txt/`), a FIFO, a socket: 404.
 *
 * The FileResponse is given the resolved real path, so its `Content-Type` comes from the
 * target's extension. Methods other than GET and HEAD (under the prefix) throw
 * {@link HTTPMethodNotAllowed} (405, `Allow: GET,HEAD`).
 *
 * The returned response can still be adjusted before the handler returns it (for example a
 * `Cache-Control` header).
 *
 * @throws {TypeError} when the options are malformed or `root` is not an existing directory.
 * @throws {HTTPNotFound} (404) for anything but a regular file inside the root, as above.
 * @throws {HTTPMethodNotAllowed} (405) for methods other than GET and HEAD.
 *
 * @example
 * ```ts
 * import { Server, serveStatic } from "@ll/server";
 * const server = new Server((request) =>
 *   serveStatic(request, { root: "./public", prefix: "/static", index: "index.html" }),
 * );
 * ```
 */
export async function serveStatic(
  request: BaseRequest,
  options: ServeStaticOptions,
): Promise<FileResponse> {
  const { root, prefix, index, dotfiles, mimeTypes } = validateOptions(options);
  const realRoot = await resolveRoot(root);

  const target = parseTarget(request.rawPath);
  if (target === undefined || !startsWithSegments(target.segments, prefix)) {
    throw new HTTPNotFound();
  }
  if (!ALLOWED_METHODS.includes(request.method as (typeof ALLOWED_METHODS)[number])) {
    throw new HTTPMethodNotAllowed(request.method, ALLOWED_METHODS);
  }
  const segments = target.segments.slice(prefix.length);
  if (!dotfiles && segments.some((segment) => segment.startsWith("."))) throw new HTTPNotFound();

  let path = await resolveInside(realRoot, join(realRoot, ...segments), dotfiles);
  let stats = await statOrNotFound(path);
  if (stats.isDirectory()) {
    if (index === undefined) throw new HTTPNotFound();
    path = await resolveInside(realRoot, join(path, index), dotfiles);
    stats = await statOrNotFound(path);
  } else if (target.trailingSlash) {
    // `/a.txt/` names a directory that is not there, as the file system would say (ENOTDIR).
    throw new HTTPNotFound();
  }
  if (!stats.isFile()) throw new HTTPNotFound();
  return new FileResponse(path, { mimeTypes });
}

interface ResolvedOptions {
  root: string;
  prefix: string[];
  index: string | undefined;
  dotfiles: boolean;
  mimeTypes: MimeTypes | undefined;
}

function validateOptions(options: ServeStaticOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("serveStatic options must be an object with a root");
  }
  checkOptionKeys(options, SERVE_STATIC_OPTIONS, "serveStatic");
  const { root, prefix = "/", index, dotfiles = false, mimeTypes } = options;
  if (typeof root !== "string" || root === "" || root.includes("\0")) {
    throw new TypeError("root must be a non-empty path string without NUL");
  }
  if (typeof dotfiles !== "boolean") throw new TypeError("dotfiles must be a boolean");
  if (typeof prefix !== "string" || !prefix.startsWith("/")) {
    throw new TypeError('prefix must be a string starting with "/"');
  }
  const prefixSegments = prefix.split("/").filter((segment) => segment !== "");
  if (
    prefixSegments.some((segment) => segment === "." || segment === ".." || /[\\\0]/.test(segment))
  ) {
    throw new TypeError('prefix must not contain ".", ".." segments, backslashes or NUL');
  }
  if (index !== undefined) {
    if (
      typeof index !== "string" ||
      index === "" ||
      index === "." ||
      index === ".." ||
      /[/\\\0]/.test(index)
    ) {
      throw new TypeError("index must be a file name without slashes, backslashes or NUL");
    }
    if (index.startsWith(".") && !dotfiles) {
      throw new TypeError("index must not start with '.' unless dotfiles is true");
    }
  }
  resolveMimeTypes(mimeTypes); // throws for a bad entry before any file system access
  return { root, prefix: prefixSegments, index, dotfiles, mimeTypes };
}

/** The real path of the root; a root that is missing or not a directory is a setup mistake. */
async function resolveRoot(root: string): Promise<string> {
  let realRoot: string;
  let stats: Stats;
  try {
    realRoot = await realpath(resolve(root));
    stats = await stat(realRoot);
  } catch (error) {
    throw new TypeError(`root ${JSON.stringify(root)} must be an existing directory`, {
      cause: error,
    });
  }
  if (!stats.isDirectory()) {
    throw new TypeError(`root ${JSON.stringify(root)} must be an existing directory`);
  }
  return realRoot;
}

/**
 * The decoded segments of the request-target's path, or undefined when one of them could
 * name something other than a plain entry of its directory. The target is latin1-decoded
 * bytes (as the parser keeps it), so each segment is decoded to bytes once, then read as UTF-8.
 */
function parseTarget(rawPath: string): Target | undefined {
  let path = rawPath;
  // Absolute-form (`GET http://host/a HTTP/1.1`, RFC 9112 §3.2.2): keep only the path, unparsed,
  // since WHATWG URL would resolve `%2e%2e` and hide it from the checks below.
  if (ABSOLUTE_FORM_RE.test(path)) {
    const slash = path.indexOf("/", path.indexOf("://") + 3);
    path = slash === -1 ? "/" : path.slice(slash);
  }
  const end = path.search(/[?#]/);
  if (end !== -1) path = path.slice(0, end);
  if (!path.startsWith("/")) return undefined; // `*` or authority-form
  const rawSegments = path.slice(1).split("/");
  const trailingSlash = rawSegments.at(-1) === "";
  if (trailingSlash) rawSegments.pop();
  const segments: string[] = [];
  for (const rawSegment of rawSegments) {
    const bytes = percentDecode(rawSegment, "latin1");
    if (!isUtf8(bytes)) return undefined;
    const segment = bytes.toString("utf8");
    if (segment === "" || segment === "." || segment === ".." || /[/\\\0]/.test(segment)) {
      return undefined;
    }
    segments.push(segment);
  }
  return { segments, trailingSlash };
}

function startsWithSegments(segments: readonly string[], prefix: readonly string[]): boolean {
  return (
    prefix.length <= segments.length && prefix.every((segment, at) => segments[at] === segment)
  );
}

/**
 * The real path of `path`, when it exists and stays inside `realRoot` (and names no dotfile
 * there unless allowed): symbolic links are resolved first, so one pointing outside is refused.
 */
async function resolveInside(realRoot: string, path: string, dotfiles: boolean): Promise<string> {
  let realPath: string;
  try {
    realPath = await realpath(path);
  } catch {
    throw new HTTPNotFound();
  }
  const inside = relative(realRoot, realPath);
  if (inside === "") return realPath;
  if (inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new HTTPNotFound();
  }
  if (!dotfiles && inside.split(sep).some((segment) => segment.startsWith("."))) {
    throw new HTTPNotFound();
  }
  return realPath;
}

async function statOrNotFound(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch {
    throw new HTTPNotFound();
  }
}

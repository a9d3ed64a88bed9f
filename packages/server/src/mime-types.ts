/**
 * Content-Type by file extension, for `FileResponse`: a compact table of the types a web server
 * meets (aiohttp asks Python's `mimetypes`); anything else is `application/octet-stream`.
 *
 * The table is frozen: there is no way to register a type for the whole process, since a
 * module-level registry would be shared by every server and library in it. Types of your own
 * go in the `mimeTypes` option of `FileResponse` and `serveStatic`, consulted first.
 */

import { checkHeaderValue } from "./stream-response.js";

// extension (lower case, no dot) → media type; text types get "; charset=utf-8" when served.
// biome-ignore format: a lookup table
const TYPES: ReadonlyMap<string, string> = new Map([
  ["html", "text/html"], ["htm", "text/html"], ["css", "text/css"], ["js", "text/javascript"],
  ["mjs", "text/javascript"], ["cjs", "text/javascript"], ["json", "application/json"],
  ["map", "application/json"], ["webmanifest", "application/manifest+json"],
  ["txt", "text/plain"], ["text", "text/plain"], ["log", "text/plain"], ["md", "text/markdown"],
  ["csv", "text/csv"], ["tsv", "text/tab-separated-values"], ["xml", "application/xml"],
  ["xhtml", "application/xhtml+xml"], ["svg", "image/svg+xml"], ["ics", "text/calendar"],
  ["yaml", "application/yaml"], ["yml", "application/yaml"], ["toml", "application/toml"],
  ["wasm", "application/wasm"], ["pdf", "application/pdf"], ["rtf", "application/rtf"],
  ["png", "image/png"], ["jpg", "image/jpeg"], ["jpeg", "image/jpeg"], ["gif", "image/gif"],
  ["webp", "image/webp"], ["avif", "image/avif"], ["ico", "image/vnd.microsoft.icon"],
  ["bmp", "image/bmp"], ["tif", "image/tiff"], ["tiff", "image/tiff"],
  ["woff", "font/woff"], ["woff2", "font/woff2"], ["ttf", "font/ttf"], ["otf", "font/otf"],
  ["mp3", "audio/mpeg"], ["wav", "audio/wav"], ["ogg", "audio/ogg"], ["oga", "audio/ogg"],
  ["flac", "audio/flac"], ["m4a", "audio/mp4"], ["aac", "audio/aac"], ["opus", "audio/opus"],
  ["mp4", "video/mp4"], ["m4v", "video/mp4"], ["webm", "video/webm"], ["ogv", "video/ogg"],
  ["mov", "video/quicktime"], ["avi", "video/x-msvideo"], ["mkv", "video/x-matroska"],
  ["zip", "application/zip"], ["gz", "application/gzip"], ["tgz", "application/gzip"],
  ["br", "application/x-brotli"], ["bz2", "application/x-bzip2"], ["xz", "application/x-xz"],
  ["Z", "application/x-compress"], ["tar", "application/x-tar"], ["7z", "application/x-7z-compressed"],
  ["doc", "application/msword"], ["xls", "application/vnd.ms-excel"],
  ["docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
  ["xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
  ["pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"],
  ["odt", "application/vnd.oasis.opendocument.text"], ["epub", "application/epub+zip"],
  ["bin", "application/octet-stream"], ["exe", "application/octet-stream"],
  ["vtt", "text/vtt"], ["m3u8", "application/vnd.apple.mpegurl"], ["ts", "video/mp2t"],
  ["jsonld", "application/ld+json"], ["heic", "image/heic"], ["heif", "image/heif"],
  ["jxl", "image/jxl"], ["glb", "model/gltf-binary"], ["gltf", "model/gltf+json"],
  ["mpd", "application/dash+xml"], ["m4s", "video/iso.segment"], ["weba", "audio/webm"],
  ["mid", "audio/midi"], ["midi", "audio/midi"], ["apng", "image/apng"],
  ["geojson", "application/geo+json"], ["ndjson", "application/x-ndjson"],
  ["atom", "application/atom+xml"], ["rss", "application/rss+xml"], ["eot", "application/vnd.ms-fontobject"],
]);

/** Media types that are text in all but name: they get `; charset=utf-8` too. */
const TEXTUAL_TYPES: ReadonlySet<string> = new Set([
  "application/json",
  "application/ld+json",
  "application/manifest+json",
  "application/geo+json",
  "application/xml",
  "application/xhtml+xml",
  "application/atom+xml",
  "application/rss+xml",
  "application/dash+xml",
  "image/svg+xml",
  "application/yaml",
  "application/toml",
  "model/gltf+json",
  "application/x-ndjson",
  "application/vnd.apple.mpegurl",
]);

/**
 * Media types by extension that a caller adds for one response (`FileResponse`'s and
 * `serveStatic`'s `mimeTypes` option): `{ "vtt": "text/vtt", ".glb": "model/gltf-binary" }`.
 * Keys are matched without case, with or without the leading dot; a value is sent as it is,
 * plus `; charset=utf-8` for a textual type that names no parameters.
 */
export type MimeTypes = Readonly<Record<string, string>>;

/**
 * `mimeTypes` checked and keyed by lower-case extension without the dot, once per response.
 * @throws {TypeError} for a key that is empty or holds `/`, or a value that is not a media
 *   type of visible ASCII characters.
 * @internal
 */
export function resolveMimeTypes(
  mimeTypes: MimeTypes | undefined,
): ReadonlyMap<string, string> | undefined {
  if (mimeTypes === undefined) return undefined;
  if (typeof mimeTypes !== "object" || mimeTypes === null) {
    throw new TypeError("mimeTypes must be an object of extension → media type");
  }
  const map = new Map<string, string>();
  for (const [key, type] of Object.entries(mimeTypes)) {
    const extension = (key.startsWith(".") ? key.slice(1) : key).toLowerCase();
    if (extension === "" || /[/\\]/.test(extension)) {
      throw new TypeError(`mimeTypes key ${JSON.stringify(key)} is not a file extension`);
    }
    if (typeof type !== "string" || !/^[^\s/;]+\/[^\s/;]+/.test(type)) {
      throw new TypeError(
        `mimeTypes[${JSON.stringify(key)}] must be a media type such as "text/vtt", got ${JSON.stringify(type)}`,
      );
    }
    checkHeaderValue(`mimeTypes[${JSON.stringify(key)}]`, type);
    map.set(extension, type);
  }
  return map;
}

/** The Content-Type when nothing better is known. */
export const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/**
 * Guesses a file's Content-Type from its extension (case-insensitively), looking in `own`
 * (resolved by {@link resolveMimeTypes}) first, then in the built-in table; text types (and
 * JavaScript, JSON, XML, SVG…) get `; charset=utf-8` unless the type has parameters already.
 * `undefined` for an unknown extension.
 */
export function guessContentType(
  path: string,
  own?: ReadonlyMap<string, string>,
): string | undefined {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const dot = path.lastIndexOf(".");
  if (dot <= slash + 1) return undefined;
  const extension = path.slice(dot + 1);
  const lower = extension.toLowerCase();
  const type = own?.get(lower) ?? TYPES.get(extension) ?? TYPES.get(lower);
  if (type === undefined) return undefined;
  if (type.includes(";")) return type;
  const textual = type.startsWith("text/") || TEXTUAL_TYPES.has(type.toLowerCase());
  return textual ? `${type}; charset=utf-8` : type;
}

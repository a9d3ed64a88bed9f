/**
 * Content-Type by file extension, for `FileResponse`: a compact table of the types a web server
 * meets (aiohttp asks Python's `mimetypes`); anything else is `application/octet-stream`.
 */

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
]);

/** The Content-Type when nothing better is known. */
export const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/**
 * Guesses a file's Content-Type from its extension (case-insensitively); text types (and
 * JavaScript, JSON, XML, SVG) get `; charset=utf-8`. `undefined` for an unknown extension.
 */
export function guessContentType(path: string): string | undefined {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const dot = path.lastIndexOf(".");
  if (dot <= slash + 1) return undefined;
  const extension = path.slice(dot + 1);
  const type = TYPES.get(extension) ?? TYPES.get(extension.toLowerCase());
  if (type === undefined) return undefined;
  const textual =
    type.startsWith("text/") ||
    type === "application/json" ||
    type === "application/manifest+json" ||
    type === "application/xml" ||
    type === "application/xhtml+xml" ||
    type === "image/svg+xml" ||
    type === "application/yaml" ||
    type === "application/toml";
  return textual ? `${type}; charset=utf-8` : type;
}

/**
 * Form bodies into a multi-dict (aiohttp's `BaseRequest.post()`): urlencoded and
 * `multipart/form-data`, files as {@link FileField}.
 */

import { type CIMultiDictProxy, MultiDict, MultiDictProxy } from "@ll/http-protocol";
import { BodyPartReader } from "./body-part-reader.js";
import { parseFormUrlencoded } from "./form-urlencoded.js";
import { malformedMultipart } from "./multipart-buffer.js";
import {
  DEFAULT_MULTIPART_LIMITS,
  type MultipartLimits,
  type ResolvedMultipartLimits,
} from "./multipart-limits.js";
import type { MultipartReader } from "./multipart-reader.js";
import { UploadedFile } from "./uploaded-file.js";
import { HTTPRequestEntityTooLarge, HTTPUnsupportedMediaType } from "./web-exceptions.js";

/** An uploaded file of a `multipart/form-data` body (aiohttp's `FileField`). */
export interface FileField {
  /** The form field name. */
  readonly name: string;
  /**
   * The file name exactly as the client sent it: it may hold `../`, a backslash, NUL, or be
   * empty. Pass it through `safeFilename()` before using it in a file system path.
   */
  readonly filename: string;
  /** The part's Content-Type, `application/octet-stream` when absent (RFC 7578 §4.4). */
  readonly contentType: string;
  /** The part's headers. */
  readonly headers: CIMultiDictProxy<string>;
  /** The data: in memory while small, else in a temporary file removed when the request ends. */
  readonly file: UploadedFile;
}

/**
 * A form value: text, the bytes of a non-text field without a file name (as aiohttp's
 * `bytes`), or a file.
 */
export type PostValue = string | Buffer | FileField;

/** Options of `request.post()` and `request.multipart()`. */
export interface FormReadOptions {
  /**
   * Limits for this body, each one replacing the server's `multipartLimits` value of the same
   * name (the others stay).
   */
  limits?: MultipartLimits;
}

/** What {@link readPost} needs of a request. */
export interface PostSource {
  readonly contentType: string;
  readonly charset: string | undefined;
  readonly clientMaxSize: number;
  read(): Promise<Buffer>;
  multipart(options?: FormReadOptions): Promise<MultipartReader>;
}

/**
 * Reads a urlencoded or `multipart/form-data` body into a read-only multi-dict; any other
 * Content-Type gives an empty one (as aiohttp). Every file part is spooled into an
 * {@link UploadedFile}; `files` collects them so that the caller can close them when the request
 * ends (also on error).
 *
 * @throws {HTTPRequestEntityTooLarge} (413) when the form data outgrows `clientMaxSize`, or
 *   breaks one of `limits` (the urlencoded form only knows `fields` and `fieldSize`).
 * @throws {HTTPUnsupportedMediaType} (415) for a charset the runtime cannot decode.
 * @throws {HTTPBadRequest} (400) for a malformed multipart body.
 */
export async function readPost(
  request: PostSource,
  files: UploadedFile[],
  limits: ResolvedMultipartLimits = DEFAULT_MULTIPART_LIMITS,
): Promise<MultiDictProxy<PostValue>> {
  const out = new MultiDict<PostValue>();
  const contentType = request.contentType;
  if (contentType === "multipart/form-data") {
    const reader = await request.multipart({ limits });
    await readMultipartForm(reader, request.clientMaxSize, out, files);
  } else if (contentType === "application/x-www-form-urlencoded" || contentType === "") {
    const data = await request.read();
    const charset = request.charset ?? "utf-8";
    // Checked apart from parsing, so that a 413 for a limit is not taken for a bad charset.
    try {
      new TextDecoder(charset);
    } catch {
      throw new HTTPUnsupportedMediaType({ text: `Unsupported charset: ${charset}` });
    }
    for (const [name, value] of parseFormUrlencoded(data, charset, limits)) out.add(name, value);
  }
  return new MultiDictProxy(out);
}

async function readMultipartForm(
  reader: MultipartReader,
  maxSize: number,
  out: MultiDict<PostValue>,
  files: UploadedFile[],
): Promise<void> {
  let size = 0;
  const count = (length: number): void => {
    size += length;
    if (maxSize > 0 && size > maxSize) throw new HTTPRequestEntityTooLarge(maxSize, size);
  };
  for (let part = await reader.next(); part !== null; part = await reader.next()) {
    if (!(part instanceof BodyPartReader)) {
      throw malformedMultipart(
        "A nested multipart body in multipart/form-data needs request.multipart()",
      );
    }
    const name = part.name;
    if (name === undefined) {
      throw malformedMultipart("A multipart/form-data part has no Content-Disposition name");
    }
    const partType = part.headers.get("Content-Type");
    const filename = part.filename;
    if (filename !== undefined) {
      const file = new UploadedFile();
      files.push(file);
      const transfer = part.headers.get("Content-Transfer-Encoding")?.trim().toLowerCase();
      if (
        transfer === undefined ||
        transfer === "binary" ||
        transfer === "8bit" ||
        transfer === "7bit"
      ) {
        // The usual case (browsers send raw bytes): stream the part into the file.
        for (
          let chunk = await part.readChunk(65536);
          chunk.length > 0;
          chunk = await part.readChunk(65536)
        ) {
          count(chunk.length);
          await file.write(chunk);
        }
      } else {
        // base64 and quoted-printable are decoded whole: chunks may split their units.
        const data = await part.read({ decode: true });
        count(data.length);
        await file.write(data);
      }
      await file.end();
      out.add(name, {
        name,
        filename,
        contentType: partType ?? "application/octet-stream",
        headers: part.headers,
        file,
      });
    } else {
      const value = await part.read({ decode: true });
      count(value.length);
      if (partType === undefined || partType.trimStart().toLowerCase().startsWith("text/")) {
        let text: string;
        try {
          text = new TextDecoder(part.getCharset("utf-8")).decode(value);
        } catch {
          throw new HTTPUnsupportedMediaType({
            text: `Unsupported charset: ${part.getCharset("utf-8")}`,
          });
        }
        out.add(name, text);
      } else {
        out.add(name, value);
      }
    }
  }
}

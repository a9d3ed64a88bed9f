// HTTPS with the certificate in TLS_CERT and TLS_KEY (PEM file paths), or else a self-signed one
// made at start (with openssl), for local development.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServer } from "@ll/runner";
import { type BaseRequest, Response } from "@ll/server";

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "ll-https-"));
  try {
    // prettier-ignore
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "7",
        "-subj",
        "/CN=localhost",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function certificate(): { key: string; cert: string } {
  const { TLS_CERT, TLS_KEY } = process.env;
  if (TLS_CERT === undefined || TLS_KEY === undefined) return selfSignedCertificate();
  return { key: readFileSync(TLS_KEY, "utf8"), cert: readFileSync(TLS_CERT, "utf8") };
}

await runServer(
  (request: BaseRequest) =>
    new Response({ text: `secure: ${request.secure}, scheme: ${request.scheme}` }),
  {
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 8443),
    tls: certificate(),
  },
);

import { stat } from "node:fs/promises";
import type { ListenOptions, Server as NetServer } from "node:net";
import { dirname } from "node:path";

/**
 * Listens and waits for it, turning Node's terse errors into ones that say what to do:
 * "port 8080 on 127.0.0.1 is already in use", "cannot listen on /run/app/app.sock: the
 * directory /run/app does not exist" (the `code` and `cause` are kept).
 */
export function listen(listener: NetServer, options: ListenOptions, where: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      listener.off("listening", onListening);
      void describeListenError(error, options, where).then(reject);
    };
    const onListening = (): void => {
      listener.off("error", onError);
      resolve();
    };
    listener.once("error", onError);
    listener.once("listening", onListening);
    listener.listen(options);
  });
}

async function describeListenError(
  error: NodeJS.ErrnoException,
  options: ListenOptions,
  where: string,
): Promise<Error> {
  const message =
    options.path === undefined
      ? describeTcpError(error, where)
      : await describeUnixError(error, options.path, where);
  if (message === undefined) return error;
  const described = new Error(message, { cause: error }) as NodeJS.ErrnoException;
  described.code = error.code;
  return described;
}

function describeTcpError(error: NodeJS.ErrnoException, where: string): string | undefined {
  switch (error.code) {
    case "EADDRINUSE":
      return `${where} is already in use`;
    case "EACCES":
    case "EPERM":
      return `permission denied to listen on ${where} (ports below 1024 need privileges)`;
    case "EADDRNOTAVAIL":
      return `cannot listen on ${where}: the address is not available on this machine`;
    default:
      return undefined;
  }
}

// Binding a Unix socket creates a file, so its errors are about the directory it goes in.
async function describeUnixError(
  error: NodeJS.ErrnoException,
  path: string,
  where: string,
): Promise<string | undefined> {
  switch (error.code) {
    case "EADDRINUSE":
      return `${where} is already in use`;
    case "ENOENT":
    case "ENOTDIR":
    case "EACCES":
    case "EPERM":
      return `cannot listen on ${path}: ${await describeDirectory(dirname(path))}`;
    default:
      return undefined;
  }
}

// libuv reports a missing directory as EACCES (as Windows does), so the directory itself is
// looked at to tell "missing" from "not writable".
async function describeDirectory(directory: string): Promise<string> {
  try {
    const found = await stat(directory);
    if (!found.isDirectory()) return `${directory} is not a directory`;
    return `the directory ${directory} is not writable by this process`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return `the directory ${directory} does not exist`;
    return `the directory ${directory} cannot be reached by this process`;
  }
}

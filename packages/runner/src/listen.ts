import type { ListenOptions, Server as NetServer } from "node:net";

/**
 * Listens and waits for it, turning Node's terse errors into ones that say what to do:
 * "port 8080 on 127.0.0.1 is already in use" (the `code` and `cause` are kept).
 */
export function listen(listener: NetServer, options: ListenOptions, where: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      listener.off("listening", onListening);
      reject(describeListenError(error, where));
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

function describeListenError(error: NodeJS.ErrnoException, where: string): Error {
  let message: string;
  switch (error.code) {
    case "EADDRINUSE":
      message = `${where} is already in use`;
      break;
    case "EACCES":
    case "EPERM":
      message = `permission denied to listen on ${where} (ports below 1024 need privileges)`;
      break;
    case "EADDRNOTAVAIL":
      message = `cannot listen on ${where}: the address is not available on this machine`;
      break;
    default:
      return error;
  }
  const described = new Error(message, { cause: error }) as NodeJS.ErrnoException;
  described.code = error.code;
  return described;
}

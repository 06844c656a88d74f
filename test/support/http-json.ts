// Small HTTP helpers shared by the emulators: read a request body, answer
// JSON, and listen on a free loopback port.
import { createServer } from "node:http";
import type {
  IncomingMessage,
  RequestListener,
  Server,
  ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** Reads the whole request body as UTF-8 text. */
export async function readBodyText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Answers `status` with `body` serialised as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A started HTTP server on 127.0.0.1 and its base URL (no trailing slash). */
export interface LoopbackServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 with a port chosen by the OS, so parallel test files
 * never collide. Never binds another interface.
 */
export async function listenOnLoopback(
  handler: RequestListener,
): Promise<LoopbackServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => closeServer(server),
  };
}

async function closeServer(server: Server): Promise<void> {
  // Keep-alive sockets from the clients would otherwise hold close() open.
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
}

/** Runs an async request handler and turns a throw into a 500 with text. */
export function catchHandlerErrors(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): RequestListener {
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.stack : String(error);
      if (!res.headersSent) {
        sendJson(res, 500, { code: "internal", msg: `emulator bug: ${message}` });
      } else {
        res.destroy();
      }
    });
  };
}

// node:http(s) listener with the timeouts an object store needs, 100-continue routed to the same
// handler, and graceful shutdown that lets in-flight requests finish.
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface ListenOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer } | undefined;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Closes a connection whose answer is sent but whose client may still be sending: closing with
 * unread bytes makes the kernel reset the connection, which can destroy the answer before the
 * client reads it. So keep reading and discarding until the client closes, for at most `ms`.
 */
function lingerBeforeClosing(socket: Duplex, ms: number): void {
  socket.on('data', () => undefined);
  socket.resume();
  socket.once('end', () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), ms);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

export async function listen(handler: RequestHandler, options: ListenOptions): Promise<RunningServer> {
  // While draining, each answer closes its connection, so keep-alive clients move on at once
  // instead of being served on an open connection until it goes idle. Decided as the headers go
  // out, which covers the requests already in flight when draining begins without tracking each
  // response (a 'close' listener and a set entry per response cost ~15 µs of a 4 KiB GET).
  let closing = false;
  class DrainAwareResponse extends http.ServerResponse {
    override writeHead(statusCode: number, reasonOrHeaders?: unknown, headers?: unknown): this {
      if (closing && !this.headersSent) this.setHeader('connection', 'close');
      return super.writeHead(statusCode, reasonOrHeaders as string | undefined, headers as OutgoingHttpHeaders | undefined);
    }
  }
  const serverOptions: http.ServerOptions = {
    // Large uploads may take hours: no total request deadline, but headers must arrive promptly
    // and an idle keep-alive connection is closed (slow-loris protection).
    requestTimeout: 0,
    headersTimeout: 30_000,
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16 * 1024,
    ServerResponse: DrainAwareResponse as typeof http.ServerResponse,
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    res.once('finish', () => {
      // Node closes the connection after this answer (a refused Expect: 100-continue, or
      // Connection: close) while the client may still be sending the body: linger instead.
      if (req.complete || res.shouldKeepAlive || req.socket.destroyed) return;
      req.socket.removeListener('finish', req.socket.destroy);
      lingerBeforeClosing(req.socket, 5000);
    });
    handler(req, res).catch(() => res.destroy());
  };
  const server = options.tls
    ? https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, onRequest)
    : http.createServer(serverOptions, onRequest);
  // Expect: 100-continue is answered by the handler after authentication (see s3/body.ts).
  server.on('checkContinue', onRequest);
  // A socket idle for 2 minutes mid-request is a stalled client.
  server.on('connection', (socket) => socket.setTimeout(120_000, () => socket.destroy()));
  // Node keeps feeding the bytes that arrive after a parse error to the failed parser, which reports
  // again: a socket already answered is left to its lingering close, not destroyed mid-answer.
  const answered = new WeakSet<object>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (answered.has(socket)) return;
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      // Slow headers: answer and drop the connection; a sender that never reads must not keep it.
      answered.add(socket);
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    // A malformed request may still be sending its body: answer, then read and discard for a short
    // while (a lingering close), so the kernel does not reset the connection before the 400 arrives.
    answered.add(socket);
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    lingerBeforeClosing(socket, 5000);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

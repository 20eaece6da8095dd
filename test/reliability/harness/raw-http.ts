// Raw HTTP/1.1 over TLS: send any bytes, read the answer with a minimal parser, reuse the connection
// when the server keeps it. For requests Node's own client refuses to send.
import { connect, type TLSSocket } from 'node:tls';
import type { TestServer } from '../../helpers/server.ts';

export interface RawAnswer {
  /** Final status (interim 100 skipped); undefined when the server closed or went silent without one. */
  status: number | undefined;
  headers: Record<string, string>;
  body: Buffer;
  /** The server closed the connection (after its answer, or without one). */
  closed: boolean;
  /** Nothing complete arrived within the timeout. */
  timedOut: boolean;
}

/** Parses one complete response at the start of `buf`; returns it and the bytes it used, or undefined if incomplete. */
function parseResponse(buf: Buffer, headRequest: boolean): { status: number; headers: Record<string, string>; body: Buffer; used: number } | undefined {
  let offset = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', offset);
    if (end < 0) return undefined;
    const lines = buf.toString('latin1', offset, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyStart = end + 4;
    if (status >= 100 && status < 200) {
      offset = bodyStart;
      continue;
    }
    if (headRequest || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), used: bodyStart };
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (buf.length < bodyStart + length) return undefined;
      return { status, headers, body: buf.subarray(bodyStart, bodyStart + length), used: bodyStart + length };
    }
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const pieces: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
        if (buf.length < lineEnd + 2 + size + 2) return undefined;
        if (size === 0) return { status, headers, body: Buffer.concat(pieces), used: lineEnd + 4 };
        pieces.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    return undefined; // body until close
  }
}

/** One TLS connection that can carry many raw requests; reconnects (resuming the TLS session) when closed. */
export class RawConnection {
  readonly #server: TestServer;
  #socket: TLSSocket | undefined;
  #session: Buffer | undefined;
  #buffer = Buffer.alloc(0);
  #closed = true;
  #wake: (() => void) | undefined;
  connections = 0;

  constructor(server: TestServer) {
    this.#server = server;
  }

  async #open(): Promise<TLSSocket> {
    if (this.#socket && !this.#closed) return this.#socket;
    const url = new URL(this.#server.endpoint);
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: this.#server.ca, servername: 'localhost', session: this.#session });
    this.connections++;
    this.#socket = socket;
    this.#closed = false;
    this.#buffer = Buffer.alloc(0);
    socket.on('session', (session: Buffer) => (this.#session = session));
    socket.on('data', (d: Buffer) => {
      if (this.#socket !== socket) return;
      this.#buffer = Buffer.concat([this.#buffer, d]);
      this.#wake?.();
    });
    const onGone = () => {
      if (this.#socket !== socket) return;
      this.#closed = true;
      this.#wake?.();
    };
    socket.on('close', onGone);
    socket.on('error', onGone);
    await new Promise<void>((resolve) => {
      socket.once('secureConnect', resolve);
      socket.once('close', resolve);
    });
    return socket;
  }

  /**
   * Sends `bytes` and waits for one answer. `endAfter` half-closes our side once sent (for requests whose
   * framing is broken: the server must answer or close on EOF rather than wait for bytes that never come).
   */
  async send(bytes: Buffer, options: { head?: boolean; endAfter?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
    const socket = await this.#open();
    socket.write(bytes);
    if (options.endAfter) socket.end();
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const parsed = parseResponse(this.#buffer, options.head === true);
      if (parsed) {
        this.#buffer = this.#buffer.subarray(parsed.used);
        const closing = parsed.headers.connection?.toLowerCase() === 'close' || options.endAfter === true;
        if (closing) this.close();
        return { status: parsed.status, headers: parsed.headers, body: Buffer.from(parsed.body), closed: closing, timedOut: false };
      }
      if (this.#closed) {
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(this.#buffer.toString('latin1', 0, 20))?.[1]);
        const answer = { status: Number.isNaN(status) ? undefined : status, headers: {}, body: this.#buffer, closed: true, timedOut: false };
        this.#buffer = Buffer.alloc(0);
        return answer;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        return { status: undefined, headers: {}, body: Buffer.alloc(0), closed: false, timedOut: true };
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  close(): void {
    this.#socket?.destroy();
    this.#closed = true;
  }
}

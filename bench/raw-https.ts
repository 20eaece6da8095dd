// HTTP/1.1 over keep-alive TLS connections, one request at a time per connection, written and read
// by hand. The small-object cells measure servers at thousands of requests per second on the same
// two cores as their client, so every microsecond the client spends is taken from the server:
// node's https client (ClientRequest, agent bookkeeping, IncomingMessage) costs ~100 µs per 4 KiB
// GET on the development VM. This transport sends a request as one string (and body) and parses
// only what a benchmark needs from the answer: status, framing and the body's length.
import { connect, type SecureContext, type TLSSocket } from 'node:tls';

export interface RawResponse {
  status: number;
  /** Body bytes received (none for HEAD, whatever Content-Length says). */
  bytes: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** What the head of an answer says about its body. */
interface Framing {
  status: number;
  contentLength: number | undefined;
  chunked: boolean;
  close: boolean;
}

function parseHead(head: string): Framing {
  const lines = head.split('\r\n');
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!statusMatch) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0]?.slice(0, 60))}`);
  const framing: Framing = { status: Number(statusMatch[1]), contentLength: undefined, chunked: false, close: false };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim().toLowerCase();
    if (name === 'content-length') framing.contentLength = Number(value);
    else if (name === 'transfer-encoding') framing.chunked = value.includes('chunked');
    else if (name === 'connection') framing.close = value === 'close';
  }
  return framing;
}

/**
 * Length of a complete chunked body at the start of `data` (its bytes of payload and of framing),
 * or undefined while it is incomplete. Trailers are not expected and not allowed.
 */
function chunkedBody(data: Buffer): { payload: number; framed: number } | undefined {
  let at = 0;
  let payload = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.toString('latin1', at, lineEnd).split(';')[0] as string, 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size line');
    if (size === 0) {
      if (data.length < lineEnd + 4) return undefined;
      if (data.toString('latin1', lineEnd + 2, lineEnd + 4) !== '\r\n') throw new Error('trailers after a chunked body');
      return { payload, framed: lineEnd + 4 };
    }
    at = lineEnd + 2 + size + 2;
    if (data.length < at) return undefined;
    payload += size;
  }
}

interface Pending {
  resolve: (response: RawResponse) => void;
  reject: (error: Error) => void;
  /** A HEAD request: the answer's framing headers describe a body that is not sent. */
  head: boolean;
}

/** One keep-alive connection; `request` must not be called again before its promise settles. */
export class RawHttpsConnection {
  readonly #socket: TLSSocket;
  #pending: Pending | undefined;
  #buffered: Buffer[] = [];
  #bufferedBytes = 0;
  #framing: Framing | undefined;
  #bodyStart = 0;
  #closed: Error | undefined;

  private constructor(socket: TLSSocket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.#received(data));
    const closed = (error?: Error) => {
      this.#closed ??= error ?? new Error('connection closed by the server');
      this.#fail(this.#closed);
    };
    socket.on('error', closed);
    socket.on('close', () => closed());
  }

  static open(host: string, port: number, secureContext: SecureContext): Promise<RawHttpsConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, secureContext, servername: host === '127.0.0.1' ? undefined : host });
      socket.once('secureConnect', () => {
        socket.removeListener('error', reject);
        resolve(new RawHttpsConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  get usable(): boolean {
    return this.#closed === undefined;
  }

  /** Sends `head` (request line and headers, ending in an empty line) and `body`, reads the answer. */
  request(head: string, body: Buffer | undefined, isHead: boolean): Promise<RawResponse> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#pending) return Promise.reject(new Error('a request is already in flight on this connection'));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject, head: isHead };
      if (body && body.length > 0) {
        this.#socket.cork();
        this.#socket.write(head, 'latin1');
        this.#socket.write(body);
        this.#socket.uncork();
      } else {
        this.#socket.write(head, 'latin1');
      }
    });
  }

  close(): void {
    this.#closed ??= new Error('connection closed by the client');
    this.#socket.destroy();
  }

  #received(data: Buffer): void {
    if (!this.#pending) {
      this.#fail(new Error('data from the server with no request in flight'));
      return;
    }
    this.#buffered.push(data);
    this.#bufferedBytes += data.length;
    try {
      this.#tryComplete();
    } catch (error) {
      this.#fail(error as Error);
    }
  }

  #tryComplete(): void {
    const all = this.#buffered.length === 1 ? (this.#buffered[0] as Buffer) : Buffer.concat(this.#buffered, this.#bufferedBytes);
    this.#buffered = [all];
    if (!this.#framing) {
      const end = all.indexOf(HEAD_END);
      if (end < 0) return;
      this.#framing = parseHead(all.toString('latin1', 0, end));
      this.#bodyStart = end + HEAD_END.length;
    }
    const framing = this.#framing;
    const pending = this.#pending as Pending;
    const rest = all.length - this.#bodyStart;
    let bytes: number;
    let used: number;
    if (pending.head || framing.status === 204 || framing.status === 304) {
      bytes = 0;
      used = 0;
    } else if (framing.chunked) {
      const chunked = chunkedBody(all.subarray(this.#bodyStart));
      if (!chunked) return;
      bytes = chunked.payload;
      used = chunked.framed;
    } else if (framing.contentLength !== undefined) {
      if (rest < framing.contentLength) return;
      bytes = used = framing.contentLength;
    } else {
      throw new Error('an answer without Content-Length or chunked framing');
    }
    if (rest > used) throw new Error('bytes after the end of the answer');
    this.#buffered = [];
    this.#bufferedBytes = 0;
    this.#framing = undefined;
    this.#pending = undefined;
    if (framing.close) this.close();
    pending.resolve({ status: framing.status, bytes });
  }

  #fail(error: Error): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (this.#closed === undefined) this.close();
    pending?.reject(error);
  }
}

/**
 * Up to `size` connections to one endpoint, opened on demand; a request takes an idle one or
 * opens another, and a connection the server closed is replaced by the next request.
 */
export class RawHttpsPool {
  readonly #host: string;
  readonly #port: number;
  readonly #context: SecureContext;
  readonly #idle: RawHttpsConnection[] = [];
  readonly #waiting: ((connection: RawHttpsConnection | undefined) => void)[] = [];
  #open = 0;
  readonly #size: number;

  constructor(host: string, port: number, context: SecureContext, size: number) {
    this.#host = host;
    this.#port = port;
    this.#context = context;
    this.#size = size;
  }

  async request(head: string, body: Buffer | undefined, isHead: boolean): Promise<RawResponse> {
    const connection = await this.#take();
    try {
      return await connection.request(head, body, isHead);
    } finally {
      this.#give(connection);
    }
  }

  close(): void {
    for (const connection of this.#idle.splice(0)) connection.close();
  }

  async #take(): Promise<RawHttpsConnection> {
    for (let idle = this.#idle.pop(); idle; idle = this.#idle.pop()) {
      if (idle.usable) return idle;
      this.#open--; // closed by the server while idle (its keep-alive timeout)
    }
    if (this.#open < this.#size) {
      this.#open++;
      try {
        return await RawHttpsConnection.open(this.#host, this.#port, this.#context);
      } catch (error) {
        this.#open--;
        throw error;
      }
    }
    const handed = await new Promise<RawHttpsConnection | undefined>((resolve) => this.#waiting.push(resolve));
    return handed ?? this.#take();
  }

  #give(connection: RawHttpsConnection): void {
    if (!connection.usable) {
      this.#open--;
      // A waiter takes the freed slot and opens a connection of its own.
      this.#waiting.shift()?.(undefined);
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(connection);
    else this.#idle.push(connection);
  }
}

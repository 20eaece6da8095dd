// A signed S3 client over keep-alive HTTPS that reports exactly how far each request got (for crash and drain checks).
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { signer } from '../../helpers/raw.ts';
import type { TestServer } from '../../helpers/server.ts';
import { sleep } from './common.ts';

export interface Call {
  method: string;
  /** Raw (already percent-encoded) path, e.g. `/bucket/key`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Send `Expect: 100-continue` and hold the body until the server says go. */
  expectContinue?: boolean;
  /** Stream the body in pieces of this size with this pause between them (slow uploads). */
  throttle?: { pieceBytes: number; pauseMs: number };
  /** Read the response body slowly (slow downloads): pause this long after each piece. */
  slowReadMs?: number;
  timeoutMs?: number;
  /** Called when the server answers 100 Continue, and when the response headers arrive. */
  onContinue?: () => void;
  onHeaders?: () => void;
}

export type Outcome =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: Buffer; continued: boolean }
  | {
      kind: 'network'; error: string; continued: boolean;
      /** Response headers had arrived when the connection failed: the body was cut. */
      gotHeaders: boolean;
      /** Every body byte had been handed to the socket. */
      bodySent: boolean;
    };

export const isOk = (o: Outcome): o is Extract<Outcome, { kind: 'response' }> => o.kind === 'response' && o.status < 300;
export const codeOf = (o: Outcome): string | undefined =>
  o.kind === 'response' ? /<Code>([^<]*)<\/Code>/.exec(o.body.toString())?.[1] : undefined;
export const describeOutcome = (o: Outcome): string =>
  o.kind === 'response' ? `${o.status} ${codeOf(o) ?? ''}`.trim() : `network ${o.error}${o.gotHeaders ? ' (after headers)' : ''}`;

export class S3Http {
  readonly server: TestServer;
  readonly #agent: Agent;
  readonly #url: URL;

  constructor(server: TestServer, maxSockets = 16) {
    this.server = server;
    this.#url = new URL(server.endpoint);
    this.#agent = new Agent({ ca: server.ca, keepAlive: true, maxSockets });
  }

  close(): void {
    this.#agent.destroy();
  }

  async call(c: Call): Promise<Outcome> {
    const body = c.body ?? Buffer.alloc(0);
    const sendsBody = c.body !== undefined;
    const unsigned: Record<string, string> = {
      host: this.#url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...c.headers,
      ...(sendsBody ? { 'content-length': String(body.length) } : {}),
    };
    const signed = await signer(this.server).sign(new HttpRequest({
      method: c.method, protocol: 'https:', hostname: this.#url.hostname, port: Number(this.#url.port),
      path: c.path, query: c.query ?? {}, headers: unsigned,
    }));
    const headers: Record<string, string> = { ...signed.headers };
    if (c.expectContinue) headers.expect = '100-continue';
    const search = new URLSearchParams(c.query ?? {}).toString().replace(/\+/g, '%20');
    return new Promise<Outcome>((resolve) => {
      let continued = false;
      let gotHeaders = false;
      let bodySent = !sendsBody;
      let settled = false;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const fail = (error: Error) =>
        finish({ kind: 'network', error: (error as NodeJS.ErrnoException).code ?? error.message, continued, gotHeaders, bodySent });
      const req = request({
        agent: this.#agent, host: this.#url.hostname, port: this.#url.port, method: c.method,
        path: c.path + (search ? `?${search}` : ''), headers,
      }, (res) => {
        gotHeaders = true;
        c.onHeaders?.();
        const pieces: Buffer[] = [];
        res.on('data', (d: Buffer) => {
          pieces.push(d);
          if (c.slowReadMs) {
            res.pause();
            setTimeout(() => res.resume(), c.slowReadMs);
          }
        });
        res.on('end', () => {
          if (!res.complete) fail(new Error('response cut short'));
          else finish({ kind: 'response', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces), continued });
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('response cut short'));
        });
      });
      const timer = setTimeout(() => {
        fail(new Error('client timeout'));
        req.destroy();
      }, c.timeoutMs ?? 120_000);
      req.on('error', fail);
      const writeBody = async () => {
        if (c.throttle) {
          for (let at = 0; at < body.length; at += c.throttle.pieceBytes) {
            if (req.destroyed) return;
            const piece = body.subarray(at, at + c.throttle.pieceBytes);
            if (!req.write(piece)) await new Promise((r) => req.once('drain', r));
            await sleep(c.throttle.pauseMs);
          }
          req.end(() => (bodySent = true));
        } else {
          req.end(body, () => (bodySent = true));
        }
      };
      if (c.expectContinue && sendsBody) {
        req.on('continue', () => {
          continued = true;
          c.onContinue?.();
          void writeBody();
        });
      } else if (sendsBody) {
        void writeBody();
      } else {
        req.end(() => (bodySent = true));
      }
    });
  }
}

/** Percent-encodes each path segment of a key (keys here are plain, but be exact). */
export const objectPath = (bucket: string, key: string): string =>
  `/${bucket}/${key.split('/').map((s) => encodeURIComponent(s)).join('/')}`;

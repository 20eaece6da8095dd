// A minimal S3 client (SigV4 over keep-alive node:https) for small-object load, where the SDK's own
// per-request CPU would be the figure: on this 2-core machine the SDK tops out at a few hundred
// requests per second against a server that does nothing (see the SDK ceiling row of the table).
import { createHash, createHmac } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { SseKey } from './client.ts';
import { RawHttpsPool } from './raw-https.ts';
import type { Target } from './servers.ts';

const REGION = 'us-east-1';
const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** RFC 3986 encoding of one path segment, as SigV4 canonical URIs want it. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface LeanResponse {
  status: number;
  bytes: number;
}

export class LeanS3 {
  readonly #target: Target;
  readonly #url: URL;
  readonly #pool: RawHttpsPool;
  // The signing key depends only on the day; the timestamp only on the second.
  #day = '';
  #signingKey = Buffer.alloc(0);
  #second = -1;
  #amzDate = '';

  constructor(target: Target, sockets: number) {
    this.#target = target;
    this.#url = new URL(target.endpoint);
    this.#pool = new RawHttpsPool(this.#url.hostname, Number(this.#url.port), createSecureContext({ ca: target.ca }), sockets);
  }

  #key(day: string): Buffer {
    if (day !== this.#day) {
      const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
      this.#signingKey = hmac(hmac(hmac(hmac(`AWS4${this.#target.secretKey}`, day), REGION), 's3'), 'aws4_request');
      this.#day = day;
    }
    return this.#signingKey;
  }

  #now(): string {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.#second) {
      this.#amzDate = new Date(second * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '');
      this.#second = second;
    }
    return this.#amzDate;
  }

  /**
   * Signs every header it sends (SigV4, https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
   * Header names are lower case here, so they sort and sign as they are.
   */
  #signed(method: string, path: string, payloadHash: string, extra: Record<string, string>): Record<string, string> {
    const amzDate = this.#now();
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = { host: this.#url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate, ...extra };
    const names = Object.keys(headers).sort();
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${headers[name]!.trim()}\n`;
    const signedHeaders = names.join(';');
    const canonical = `${method}\n${path}\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const scope = `${day}/${REGION}/s3/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', this.#key(day)).update(toSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.#target.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  send(method: 'PUT' | 'GET' | 'HEAD', bucket: string, key: string, body?: Buffer, sse?: SseKey): Promise<LeanResponse> {
    const path = `/${encodeSegment(bucket)}/${key.split('/').map(encodeSegment).join('/')}`;
    const extra: Record<string, string> = sse ? {
      'x-amz-server-side-encryption-customer-algorithm': sse.SSECustomerAlgorithm,
      'x-amz-server-side-encryption-customer-key': sse.SSECustomerKey,
      'x-amz-server-side-encryption-customer-key-md5': sse.SSECustomerKeyMD5,
    } : {};
    const payloadHash = body ? createHash('sha256').update(body).digest('hex') : EMPTY_SHA256;
    const headers = this.#signed(method, path, payloadHash, extra);
    if (body) headers['content-length'] = String(body.length);
    let head = `${method} ${path} HTTP/1.1\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    return this.#pool.request(`${head}\r\n`, body, method === 'HEAD');
  }

  /** Like `send`, but anything other than 200 is an error (a figure must not count refusals). */
  async ok(method: 'PUT' | 'GET' | 'HEAD', bucket: string, key: string, body?: Buffer, sse?: SseKey): Promise<LeanResponse> {
    const res = await this.send(method, bucket, key, body, sse);
    if (res.status !== 200) throw new Error(`${method} ${bucket}/${key}: HTTP ${res.status}`);
    return res;
  }

  destroy(): void {
    this.#pool.close();
  }
}

// Raw HTTP(S) requests to a test server, optionally SigV4-signed, for malformed or hand-made input.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HttpRequest } from '@smithy/protocol-http';
import type { SignatureV4 } from '@smithy/signature-v4';
import type { TestServer } from './server.ts';
import { s3Signer } from './smithy-signer.ts';

export interface RawRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sign with the server's root credentials (default true). */
  sign?: boolean;
  /** Payload hash to sign with; default UNSIGNED-PAYLOAD. */
  payloadHash?: string;
  secretKey?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function signer(server: TestServer, secretKey?: string): SignatureV4 {
  return s3Signer('us-east-1', server.accessKey, secretKey ?? server.secretKey);
}

export async function rawRequest(server: TestServer, req: RawRequest): Promise<RawResponse> {
  const url = new URL(server.endpoint);
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  let headers: Record<string, string> = {
    host: url.host, ...(body ? { 'content-length': String(body.length) } : {}), ...req.headers,
  };
  if (req.sign !== false) {
    headers['x-amz-content-sha256'] = req.payloadHash ?? 'UNSIGNED-PAYLOAD';
    const signed = await signer(server, req.secretKey).sign(new HttpRequest({
      method: req.method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port),
      path: req.path, query: req.query ?? {}, headers,
    }));
    headers = signed.headers;
  }
  const search = new URLSearchParams(req.query ?? {}).toString().replace(/\+/g, '%20');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send({
      host: url.hostname, port: url.port, method: req.method, path: req.path + (search ? `?${search}` : ''),
      headers, ca: server.ca,
    }, (res) => {
      const pieces: Buffer[] = [];
      res.on('data', (d: Buffer) => pieces.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces) }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });
}

/** The <Code> of an S3 XML error body. */
export function xmlCode(body: Buffer): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body.toString())?.[1];
}

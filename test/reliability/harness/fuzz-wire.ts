// Turns a fuzzed request description into the exact bytes on the wire, signed (SigV4 header or
// presigned URL) correctly, wrongly, or not at all, so hostile input reaches every layer of the server.
import { HttpRequest } from '@smithy/protocol-http';
import { signer } from '../../helpers/raw.ts';
import type { TestServer } from '../../helpers/server.ts';

export type AuthMode =
  | 'valid' | 'flipped-signature' | 'wrong-secret' | 'skewed' | 'wrong-region' | 'garbage' | 'none'
  | 'presigned' | 'presigned-flipped' | 'presigned-expired' | 'presigned-mangled';

export interface FuzzRequest {
  method: string;
  /** Request-target path as sent (percent-encoded, or deliberately not). */
  path: string;
  query: [string, string][];
  headers: [string, string][];
  body: Buffer;
  auth: AuthMode;
  /** Free text for the garbage Authorization header and mangled presigned values. */
  noise: string;
  /** Which generator made it (for the figures). */
  family: string;
}

/** AWS's URI encoding (RFC 3986 unreserved kept), as the signer uses for query strings. */
export const awsEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const flip = (sig: string): string => sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');

function queryString(query: Record<string, string>): string {
  return Object.entries(query).map(([k, v]) => `${awsEncode(k)}=${awsEncode(v)}`).join('&');
}

/** Serialises a request. Header values are sent as latin1, so any byte can appear in them. */
export async function wireBytes(server: TestServer, req: FuzzRequest): Promise<Buffer> {
  const url = new URL(server.endpoint);
  let headers: Record<string, string> = { host: url.host };
  for (const [name, value] of req.headers) headers[name.toLowerCase()] = value;
  headers['content-length'] ??= String(req.body.length);
  let query: Record<string, string> = Object.fromEntries(req.query);
  const http = (h: Record<string, string>, q: Record<string, string>) => new HttpRequest({
    method: req.method, protocol: 'https:', hostname: url.hostname, port: Number(url.port), path: req.path, query: q, headers: h,
  });
  const headerAuth = ['valid', 'flipped-signature', 'wrong-secret', 'skewed', 'wrong-region'].includes(req.auth);
  if (headerAuth) {
    headers['x-amz-content-sha256'] ??= 'UNSIGNED-PAYLOAD';
    const secret = req.auth === 'wrong-secret' ? 'not-the-secret' : undefined;
    const signingDate = req.auth === 'skewed' ? new Date(Date.now() - 3_600_000) : new Date();
    const signingRegion = req.auth === 'wrong-region' ? 'eu-west-9' : 'us-east-1';
    try {
      headers = (await signer(server, secret).sign(http(headers, query), { signingDate, signingRegion })).headers;
    } catch {
      headers.authorization = `AWS4-HMAC-SHA256 ${req.noise}`;
    }
    if (req.auth === 'flipped-signature' && headers.authorization) headers.authorization = flip(headers.authorization);
  } else if (req.auth === 'garbage') {
    headers.authorization = req.noise;
  } else if (req.auth.startsWith('presigned')) {
    const signingDate = req.auth === 'presigned-expired' ? new Date(Date.now() - 7_200_000) : new Date();
    try {
      const presigned = await signer(server).presign(http({ host: url.host }, query), { expiresIn: 600, signingDate });
      query = Object.fromEntries(Object.entries(presigned.query ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v ?? '')]));
    } catch {
      query['X-Amz-Signature'] = req.noise;
    }
    if (req.auth === 'presigned-flipped') query['X-Amz-Signature'] = flip(query['X-Amz-Signature'] ?? '');
    if (req.auth === 'presigned-mangled') {
      const names = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Algorithm', 'X-Amz-Signature'];
      query[names[req.noise.length % names.length] ?? 'X-Amz-Date'] = req.noise;
    }
  }
  const search = queryString(query);
  const head = [`${req.method} ${req.path}${search ? `?${search}` : ''} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), req.body]);
}


// Small object helpers for fault tests: write a set of objects, then prove each still reads back exactly.
import { trio } from '../../helpers/sse.ts';
import { S3Http, codeOf, describeOutcome, objectPath, type Outcome } from './client.ts';
import { bytesOf, sha256 } from './common.ts';

export interface Written {
  key: string;
  data: Buffer;
  sse?: Buffer | undefined;
}

export const sseOf = (w: { sse?: Buffer | undefined }): Record<string, string> => (w.sse ? trio(w.sse) : {});

export async function put(client: S3Http, bucket: string, w: Written): Promise<Outcome> {
  return client.call({ method: 'PUT', path: objectPath(bucket, w.key), headers: sseOf(w), body: w.data });
}

/** Writes objects and insists each is acknowledged. */
export async function putAll(client: S3Http, bucket: string, items: Written[]): Promise<void> {
  for (const w of items) {
    const o = await put(client, bucket, w);
    if (o.kind !== 'response' || o.status !== 200) throw new Error(`PUT ${w.key}: ${describeOutcome(o)}`);
  }
}

/** A multipart object of the given part sizes (all but the last at least 5 MiB). */
export async function putMultipart(client: S3Http, bucket: string, key: string, sizes: number[], sse?: Buffer): Promise<Written> {
  const headers = sse ? trio(sse) : {};
  const created = await client.call({ method: 'POST', path: objectPath(bucket, key), query: { uploads: '' }, headers });
  const uploadId = created.kind === 'response' ? /<UploadId>([^<]+)</.exec(created.body.toString())?.[1] : undefined;
  if (!uploadId) throw new Error(`CreateMultipartUpload ${key}: ${describeOutcome(created)}`);
  const pieces: Buffer[] = [];
  const etags: string[] = [];
  for (const [i, size] of sizes.entries()) {
    const data = bytesOf(`${key}-part-${i}`, size);
    const o = await client.call({ method: 'PUT', path: objectPath(bucket, key), query: { partNumber: String(i + 1), uploadId }, headers, body: data });
    if (o.kind !== 'response' || o.status !== 200) throw new Error(`UploadPart ${key}: ${describeOutcome(o)}`);
    pieces.push(data);
    etags.push(String(o.headers.etag));
  }
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const done = await client.call({ method: 'POST', path: objectPath(bucket, key), query: { uploadId }, headers, body: Buffer.from(xml) });
  if (done.kind !== 'response' || done.status !== 200) throw new Error(`Complete ${key}: ${describeOutcome(done)}`);
  return { key, data: Buffer.concat(pieces), sse };
}

/** Undefined when the object reads back exactly; else what went wrong. */
export async function checkIntact(client: S3Http, bucket: string, w: Written): Promise<string | undefined> {
  const o = await client.call({ method: 'GET', path: objectPath(bucket, w.key), headers: sseOf(w) });
  if (o.kind !== 'response') return `${w.key}: ${describeOutcome(o)}`;
  if (o.status !== 200) return `${w.key}: ${o.status} ${codeOf(o) ?? ''}`;
  if (o.body.length !== w.data.length || sha256(o.body) !== sha256(w.data)) return `${w.key}: different bytes (${o.body.length} of ${w.data.length})`;
  return undefined;
}

export async function damaged(client: S3Http, bucket: string, items: Written[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of items) {
    const problem = await checkIntact(client, bucket, w);
    if (problem) out.push(problem);
  }
  return out;
}

/** A spread of objects: inline-small and blob-sized, plain and SSE-C. */
export function specimens(prefix: string, newKey: () => Buffer): Written[] {
  return [
    { key: `${prefix}small-plain`, data: bytesOf(`${prefix}1`, 1000) },
    { key: `${prefix}small-sse`, data: bytesOf(`${prefix}2`, 3000), sse: newKey() },
    { key: `${prefix}blob-plain`, data: bytesOf(`${prefix}3`, 300_000) },
    { key: `${prefix}blob-sse`, data: bytesOf(`${prefix}4`, 700_000), sse: newKey() },
    { key: `${prefix}empty`, data: Buffer.alloc(0) },
  ];
}

/** The response is an S3 error with one of these statuses and a code; returns why not, or undefined. */
export function clearError(o: Outcome, statuses: number[], codes?: string[]): string | undefined {
  if (o.kind !== 'response') return `no answer: ${describeOutcome(o)}`;
  const code = codeOf(o);
  if (!statuses.includes(o.status)) return `status ${o.status} ${code ?? ''}, wanted ${statuses.join('/')}`;
  if (codes && (!code || !codes.includes(code))) return `code ${code ?? 'none'}, wanted ${codes.join('/')}`;
  return undefined;
}

// Request headers → stored object attributes, and stored attributes → response headers.
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../domain/errors.ts';
import type { ContentHeaders, ObjectRecord } from '../domain/model.ts';
import { headerValue } from './context.ts';

/** AWS limit on user-defined metadata: 2 KB, counted over names and values. */
const MAX_USER_METADATA_BYTES = 2048;

export function contentHeadersFrom(headers: IncomingHttpHeaders): ContentHeaders {
  return {
    contentType: headerValue(headers, 'content-type'),
    // aws-chunked is transfer framing, not a property of the object.
    contentEncoding: stripAwsChunked(headerValue(headers, 'content-encoding')),
    contentDisposition: headerValue(headers, 'content-disposition'),
    contentLanguage: headerValue(headers, 'content-language'),
    cacheControl: headerValue(headers, 'cache-control'),
    expires: headerValue(headers, 'expires'),
  };
}

function stripAwsChunked(encoding: string | undefined): string | undefined {
  if (encoding === undefined) return undefined;
  const rest = encoding.split(',').map((e) => e.trim()).filter((e) => e !== '' && e !== 'aws-chunked');
  return rest.length === 0 ? undefined : rest.join(', ');
}

export function userMetadataFrom(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    const key = name.slice('x-amz-meta-'.length);
    metadata[key] = text;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(text);
  }
  if (bytes > MAX_USER_METADATA_BYTES) throw new S3Error('MetadataTooLarge');
  return metadata;
}

export const quoteEtag = (etag: string): string => `"${etag}"`;

/** Headers shared by GET and HEAD (and, for the ETag, by PUT and copy). */
export function objectResponseHeaders(record: ObjectRecord, checksumMode: boolean): Record<string, string | number | undefined> {
  const h = record.contentHeaders;
  const headers: Record<string, string | number | undefined> = {
    etag: quoteEtag(record.etag),
    'last-modified': record.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': h.contentType ?? 'binary/octet-stream',
    'content-encoding': h.contentEncoding,
    'content-disposition': h.contentDisposition,
    'content-language': h.contentLanguage,
    'cache-control': h.cacheControl,
    expires: h.expires,
  };
  for (const [name, value] of Object.entries(record.userMetadata)) headers[`x-amz-meta-${name}`] = value;
  if (checksumMode && record.checksum) {
    headers[`x-amz-checksum-${record.checksum.algorithm.toLowerCase()}`] = record.checksum.value;
    headers['x-amz-checksum-type'] = record.checksum.type;
  }
  return headers;
}

const RESPONSE_OVERRIDES: readonly (readonly [param: string, header: string])[] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/** The response-* query overrides of GetObject. */
export function applyResponseOverrides(headers: Record<string, string | number | undefined>, query: URLSearchParams): void {
  if (query.size === 0) return;
  for (const [param, header] of RESPONSE_OVERRIDES) {
    const value = query.get(param);
    if (value !== null) headers[header] = value;
  }
}

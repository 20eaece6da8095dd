// What a handler receives: the addressed resource, the caller, the services, and lazy access to the body.
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../domain/access.ts';
import type { IncomingBody, ObjectBody } from '../domain/body.ts';
import type { BucketService } from '../domain/buckets.ts';
import type { ListPage, ListRequest } from '../domain/listing.ts';
import type { MultipartService } from '../domain/multipart.ts';
import type { ObjectService } from '../domain/objects.ts';
import type { Logger } from '../util/logger.ts';
import type { S3Address } from './request.ts';
import type { SseRequest } from './sse-headers.ts';

export interface S3Services {
  buckets: BucketService;
  objects: ObjectService;
  multipart: MultipartService;
  list(bucket: string, request: ListRequest): Promise<ListPage>;
  log: Logger;
  region: string;
}

export interface S3Context {
  requestId: string;
  operation: string;
  address: S3Address;
  headers: IncomingHttpHeaders;
  principal: Principal;
  services: S3Services;
  sse: SseRequest;
  /** The object body, verified (signature, length, checksums) as it streams. */
  openBody(options: { computeMd5: boolean }): IncomingBody;
  /** The body of a new object: read whole and verified at once when small, else as openBody. */
  openObjectBody(options: { computeMd5: boolean }): ObjectBody;
  /** A small control body (XML) read into memory, capped in size. */
  readControlBody(limit?: number): Promise<Buffer>;
}

/** A header as one string (node joins repeated headers; S3 headers are single-valued). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function requireBucketName(ctx: S3Context): string {
  const name = ctx.address.bucket;
  if (name === undefined) throw new Error('route without bucket');
  return name;
}

export function requireKey(ctx: S3Context): string {
  const key = ctx.address.key;
  if (key === undefined) throw new Error('route without key');
  return key;
}

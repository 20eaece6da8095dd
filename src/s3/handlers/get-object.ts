// GetObject and HeadObject: SSE-C key rules, preconditions, Range and partNumber, response overrides.
import { S3Error } from '../../domain/errors.ts';
import type { ObjectRecord } from '../../domain/model.ts';
import type { ByteRange } from '../../domain/ports.ts';
import { checkPreconditions } from '../../domain/preconditions.ts';
import { openDataKey } from '../../domain/sse-c.ts';
import { headerValue, requireBucketName, requireKey, type S3Context } from '../context.ts';
import { applyResponseOverrides, objectResponseHeaders } from '../object-headers.ts';
import { parseRange } from '../range.ts';
import type { S3Response } from '../response.ts';
import { sseResponseHeaders } from '../sse-headers.ts';
import { parsePartNumber } from './part-number.ts';

/** The byte range of part N of an object; a single-part object has exactly part 1. */
function partRange(record: ObjectRecord, partNumber: number): ByteRange | undefined {
  if (!record.multipart) {
    if (partNumber !== 1) throw new S3Error('InvalidPartNumber');
    return undefined;
  }
  let start = 0;
  for (const segment of record.segments.slice(0, partNumber - 1)) start += segment.size;
  const segment = record.segments[partNumber - 1];
  if (!segment) throw new S3Error('InvalidPartNumber');
  return segment.size === 0 ? undefined : { start, endInclusive: start + segment.size - 1 };
}

async function readObject(ctx: S3Context, withBody: boolean): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const record = await ctx.services.objects.find(bucket, requireKey(ctx));
  const dataKey = openDataKey(record, ctx.sse.target);
  checkPreconditions(
    {
      ifMatch: headerValue(ctx.headers, 'if-match'),
      ifNoneMatch: headerValue(ctx.headers, 'if-none-match'),
      ifModifiedSince: headerValue(ctx.headers, 'if-modified-since'),
      ifUnmodifiedSince: headerValue(ctx.headers, 'if-unmodified-since'),
    },
    record,
  );
  const partParam = ctx.address.query.get('partNumber');
  const rangeHeader = headerValue(ctx.headers, 'range');
  if (partParam !== null && rangeHeader !== undefined) {
    throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter.');
  }
  const partNumber = partParam === null ? undefined : parsePartNumber(partParam);
  const range = partNumber !== undefined ? partRange(record, partNumber) : parseRange(rangeHeader, record.size);

  // A whole-object checksum describes the whole object only: not returned for a range or a part (as AWS).
  const wholeObject = range === undefined && partNumber === undefined;
  const headers = objectResponseHeaders(record, wholeObject && headerValue(ctx.headers, 'x-amz-checksum-mode') === 'ENABLED');
  Object.assign(headers, sseResponseHeaders(ctx.sse.target, record.encryption !== undefined));
  if (withBody) applyResponseOverrides(headers, ctx.address.query);
  if (partNumber !== undefined && record.multipart) headers['x-amz-mp-parts-count'] = record.segments.length;
  headers['content-length'] = range ? range.endInclusive - range.start + 1 : record.size;
  if (range) headers['content-range'] = `bytes ${range.start}-${range.endInclusive}/${record.size}`;
  const partial = range !== undefined || (partNumber !== undefined && record.multipart);
  return {
    status: partial ? 206 : 200,
    headers,
    body: withBody ? (ctx.services.objects.inlineBytes(record, range, dataKey) ?? ctx.services.objects.read(record, range, dataKey)) : undefined,
  };
}

export const getObject = (ctx: S3Context): Promise<S3Response> => readObject(ctx, true);
export const headObject = (ctx: S3Context): Promise<S3Response> => readObject(ctx, false);

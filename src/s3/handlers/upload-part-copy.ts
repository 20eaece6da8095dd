// UploadPartCopy: a part made from a range of an existing object (copy-source trio for an SSE-C source).
import { S3Error } from '../../domain/errors.ts';
import type { ByteRange } from '../../domain/ports.ts';
import { headerValue, requireBucketName, requireKey, type S3Context } from '../context.ts';
import { quoteEtag } from '../object-headers.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { sseResponseHeaders } from '../sse-headers.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { openCopySource } from './copy-source.ts';
import { parsePartNumber } from './part-number.ts';

/** `bytes=first-last`, both required and inside the source (AWS: InvalidArgument / InvalidRange otherwise). */
function parseCopyRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!match) throw new S3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last.');
  const start = Number(match[1]);
  const endInclusive = Number(match[2]);
  if (endInclusive < start || endInclusive >= size) throw new S3Error('InvalidRange', undefined, { headers: { 'content-range': `bytes */${size}` } });
  return { start, endInclusive };
}

export async function uploadPartCopy(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const partNumber = parsePartNumber(ctx.address.query.get('partNumber') ?? '');
  const upload = await ctx.services.multipart.find(bucket, requireKey(ctx), ctx.address.query.get('uploadId') ?? '');
  const dataKey = ctx.services.multipart.dataKeyFor(upload, ctx.sse.target);
  const source = await openCopySource(ctx);
  const range = parseCopyRange(headerValue(ctx.headers, 'x-amz-copy-source-range'), source.record.size);
  const part = await ctx.services.multipart.copyPart(upload, partNumber, source.record, source.dataKey, range, dataKey);
  const response = xmlResponse(renderXmlDocument('CopyPartResult', {
    ETag: quoteEtag(part.etag), LastModified: part.lastModified.toISOString(),
  }));
  Object.assign(response.headers, sseResponseHeaders(ctx.sse.target, dataKey !== undefined));
  return response;
}

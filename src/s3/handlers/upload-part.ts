// UploadPart: streams one part; SSE-C uploads must repeat the upload's key, and every attempt gets a fresh salt.
import { requireBucketName, requireKey, type S3Context } from '../context.ts';
import { quoteEtag } from '../object-headers.ts';
import { emptyResponse, type S3Response } from '../response.ts';
import { sseResponseHeaders } from '../sse-headers.ts';
import { parsePartNumber } from './part-number.ts';

export async function uploadPart(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const partNumber = parsePartNumber(ctx.address.query.get('partNumber') ?? '');
  const upload = await ctx.services.multipart.find(bucket, requireKey(ctx), ctx.address.query.get('uploadId') ?? '');
  const dataKey = ctx.services.multipart.dataKeyFor(upload, ctx.sse.target);
  const body = ctx.openBody({ computeMd5: !dataKey });
  const part = await ctx.services.multipart.uploadPart(upload, partNumber, body, dataKey);
  const summary = body.summary();
  const checksumHeaders: Record<string, string> = summary.checksum
    ? { [`x-amz-checksum-${summary.checksum.algorithm.toLowerCase()}`]: summary.checksum.value }
    : {};
  return emptyResponse(200, {
    etag: quoteEtag(part.etag), ...checksumHeaders, ...sseResponseHeaders(ctx.sse.target, dataKey !== undefined),
  });
}

// PutObject: the verified body to storage (encrypted under SSE-C when the trio is sent); small bodies
// arrive whole and are stored inline, larger ones stream.
import { requireBucketName, requireKey, type S3Context } from '../context.ts';
import { contentHeadersFrom, quoteEtag, userMetadataFrom } from '../object-headers.ts';
import { emptyResponse, type S3Response } from '../response.ts';
import { sseResponseHeaders } from '../sse-headers.ts';
import { assertEncryptionAllowed } from './bucket-encryption.ts';

export async function putObject(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  assertEncryptionAllowed(bucket, ctx.sse.target);
  const options = {
    contentHeaders: contentHeadersFrom(ctx.headers),
    userMetadata: userMetadataFrom(ctx.headers),
    customerKey: ctx.sse.target,
  };
  const body = ctx.openObjectBody({ computeMd5: !ctx.sse.target });
  const record = await ctx.services.objects.put(bucket, requireKey(ctx), body, options);
  const checksumHeaders: Record<string, string> = record.checksum
    ? { [`x-amz-checksum-${record.checksum.algorithm.toLowerCase()}`]: record.checksum.value }
    : {};
  return emptyResponse(200, {
    etag: quoteEtag(record.etag),
    ...checksumHeaders,
    ...sseResponseHeaders(ctx.sse.target, record.encryption !== undefined),
  });
}

// CopyObject: metadata directive, copy onto itself only when something changes, SSE-C on both sides;
// a self-copy of an SSE-C object with a new key re-wraps the data key without touching the data.
import { S3Error } from '../../domain/errors.ts';
import { headerValue, requireBucketName, requireKey, type S3Context } from '../context.ts';
import { contentHeadersFrom, quoteEtag, userMetadataFrom } from '../object-headers.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { sseResponseHeaders } from '../sse-headers.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { assertEncryptionAllowed } from './bucket-encryption.ts';
import { openCopySource } from './copy-source.ts';

export async function copyObject(ctx: S3Context): Promise<S3Response> {
  const target = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const targetKey = requireKey(ctx);
  assertEncryptionAllowed(target, ctx.sse.target);
  const source = await openCopySource(ctx);
  const directive = headerValue(ctx.headers, 'x-amz-metadata-directive') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.');
  const replace = directive === 'REPLACE';
  const options = {
    contentHeaders: replace ? contentHeadersFrom(ctx.headers) : source.record.contentHeaders,
    userMetadata: replace ? userMetadataFrom(ctx.headers) : source.record.userMetadata,
    customerKey: ctx.sse.target,
  };
  const onItself = source.record.bucket === target.name && source.record.key === targetKey;
  const changesEncryption = source.record.encryption !== undefined || ctx.sse.target !== undefined;
  if (onItself && !replace && !changesEncryption) {
    throw new S3Error('InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const record =
    onItself && source.dataKey && ctx.sse.target
      ? await ctx.services.objects.rewrap(source.record, source.dataKey, ctx.sse.target, options)
      : await ctx.services.objects.copy(source.record, source.dataKey, target, targetKey, options);
  return {
    ...xmlResponse(renderXmlDocument('CopyObjectResult', {
      ETag: quoteEtag(record.etag), LastModified: record.lastModified.toISOString(),
    })),
    headers: { 'content-type': 'application/xml', ...sseResponseHeaders(ctx.sse.target, record.encryption !== undefined) },
  };
}

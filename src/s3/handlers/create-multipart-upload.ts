// CreateMultipartUpload: fixes the object's headers, metadata, checksum algorithm and SSE-C key.
import { S3Error } from '../../domain/errors.ts';
import type { ChecksumAlgorithm } from '../../domain/model.ts';
import { headerValue, requireBucketName, requireKey, type S3Context } from '../context.ts';
import { contentHeadersFrom, userMetadataFrom } from '../object-headers.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { sseResponseHeaders } from '../sse-headers.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { assertEncryptionAllowed } from './bucket-encryption.ts';

const algorithms: readonly string[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

export async function createMultipartUpload(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  assertEncryptionAllowed(bucket, ctx.sse.target);
  const algorithm = headerValue(ctx.headers, 'x-amz-checksum-algorithm')?.toUpperCase();
  if (algorithm !== undefined && !algorithms.includes(algorithm)) throw new S3Error('InvalidArgument', 'Invalid checksum algorithm.');
  const upload = await ctx.services.multipart.create(bucket, requireKey(ctx), {
    contentHeaders: contentHeadersFrom(ctx.headers),
    userMetadata: userMetadataFrom(ctx.headers),
    customerKey: ctx.sse.target,
    checksumAlgorithm: algorithm as ChecksumAlgorithm | undefined,
  });
  const response = xmlResponse(renderXmlDocument('InitiateMultipartUploadResult', {
    Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId,
  }));
  Object.assign(response.headers, sseResponseHeaders(ctx.sse.target, upload.encryption !== undefined));
  if (algorithm) response.headers['x-amz-checksum-algorithm'] = algorithm;
  return response;
}

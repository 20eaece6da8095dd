// AbortMultipartUpload: removes the upload and frees its parts.
import { requireBucketName, requireKey, type S3Context } from '../context.ts';
import { emptyResponse, type S3Response } from '../response.ts';

export async function abortMultipartUpload(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const upload = await ctx.services.multipart.find(bucket, requireKey(ctx), ctx.address.query.get('uploadId') ?? '');
  await ctx.services.multipart.abort(upload);
  return emptyResponse(204);
}

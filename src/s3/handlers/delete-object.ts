// DeleteObject: 204 whether or not the key existed (S3 semantics).
import { requireBucketName, requireKey, type S3Context } from '../context.ts';
import { emptyResponse, type S3Response } from '../response.ts';

export async function deleteObject(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  await ctx.services.objects.delete(bucket, requireKey(ctx));
  return emptyResponse(204);
}

// DeleteBucket: only an empty bucket (no objects, no uploads in progress).
import { requireBucketName, type S3Context } from '../context.ts';
import { emptyResponse, type S3Response } from '../response.ts';

export async function deleteBucket(ctx: S3Context): Promise<S3Response> {
  await ctx.services.buckets.delete(requireBucketName(ctx), ctx.principal);
  return emptyResponse(204);
}

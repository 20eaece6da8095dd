// HeadBucket: 200 when the bucket exists and is the caller's (status only).
import { requireBucketName, type S3Context } from '../context.ts';
import { emptyResponse, type S3Response } from '../response.ts';

export async function headBucket(ctx: S3Context): Promise<S3Response> {
  await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  return emptyResponse(200, { 'x-amz-bucket-region': ctx.services.region });
}

// GetBucketLocation: the configured region (empty for us-east-1, as AWS answers).
import { requireBucketName, type S3Context } from '../context.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { escapeXml } from '../xml/writer.ts';

export async function getBucketLocation(ctx: S3Context): Promise<S3Response> {
  await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const region = ctx.services.region === 'us-east-1' ? '' : ctx.services.region;
  return xmlResponse(
    `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${escapeXml(region)}</LocationConstraint>`,
  );
}

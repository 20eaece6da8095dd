// GetObjectAcl (owner with FULL_CONTROL) and GetObjectTagging (empty set): what clients probe on objects.
import { requireBucketName, requireKey, type S3Context } from '../context.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { aclDocument } from './bucket-probes.ts';

export async function getObjectAcl(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  await ctx.services.objects.find(bucket, requireKey(ctx));
  return xmlResponse(aclDocument(ctx));
}

export async function getObjectTagging(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  await ctx.services.objects.find(bucket, requireKey(ctx));
  return xmlResponse(renderXmlDocument('Tagging', { TagSet: {} }));
}

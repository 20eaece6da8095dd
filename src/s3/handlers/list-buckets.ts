// ListBuckets: the buckets of the caller's project.
import type { S3Context } from '../context.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { ownerOf } from './owner.ts';

export async function listBuckets(ctx: S3Context): Promise<S3Response> {
  const buckets = await ctx.services.buckets.list(ctx.principal);
  return xmlResponse(
    renderXmlDocument('ListAllMyBucketsResult', {
      Owner: ownerOf(ctx.principal),
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.createdAt.toISOString() })) },
    }),
  );
}

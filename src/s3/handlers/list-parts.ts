// ListParts: the parts uploaded so far, paged by part number.
import { S3Error } from '../../domain/errors.ts';
import { requireBucketName, requireKey, type S3Context } from '../context.ts';
import { quoteEtag } from '../object-headers.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { parseMaxKeys } from './list-params.ts';
import { ownerOf } from './owner.ts';

export async function listParts(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const q = ctx.address.query;
  const upload = await ctx.services.multipart.find(bucket, requireKey(ctx), q.get('uploadId') ?? '');
  if (ctx.sse.target) ctx.services.multipart.dataKeyFor(upload, ctx.sse.target);
  const markerText = q.get('part-number-marker') ?? '0';
  if (!/^\d+$/.test(markerText)) throw new S3Error('InvalidArgument', 'Invalid part-number-marker.');
  const marker = Number(markerText);
  const maxParts = parseMaxKeys(q, 'max-parts');
  const parts = await ctx.services.multipart.listParts(upload, marker, maxParts + 1);
  const page = parts.slice(0, maxParts);
  const truncated = parts.length > maxParts;
  return xmlResponse(renderXmlDocument('ListPartsResult', {
    Bucket: bucket.name, Key: upload.key, UploadId: upload.uploadId,
    Initiator: ownerOf(ctx.principal), Owner: ownerOf(ctx.principal), StorageClass: 'STANDARD',
    PartNumberMarker: marker,
    NextPartNumberMarker: page.at(-1)?.partNumber ?? marker,
    MaxParts: maxParts,
    IsTruncated: truncated,
    ChecksumAlgorithm: upload.checksumAlgorithm,
    Part: page.map((p) => ({
      PartNumber: p.partNumber, LastModified: p.lastModified.toISOString(), ETag: quoteEtag(p.etag), Size: p.size,
      ...(upload.checksumAlgorithm && p.checksum ? { [`Checksum${upload.checksumAlgorithm}`]: p.checksum } : {}),
    })),
  }));
}

// GetObjectAttributes: ETag, checksum, parts, storage class and size; the SSE-C key is required
// for an encrypted object like on every other read path.
import { S3Error } from '../../domain/errors.ts';
import { openDataKey } from '../../domain/sse-c.ts';
import { headerValue, requireBucketName, requireKey, type S3Context } from '../context.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { sseResponseHeaders } from '../sse-headers.ts';
import { renderXmlDocument, type XmlNode } from '../xml/writer.ts';
import { parseMaxKeys } from './list-params.ts';

const known = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);

export async function getObjectAttributes(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const record = await ctx.services.objects.find(bucket, requireKey(ctx));
  openDataKey(record, ctx.sse.target)?.wipe();
  const wanted = new Set((headerValue(ctx.headers, 'x-amz-object-attributes') ?? '').split(',').map((a) => a.trim()).filter(Boolean));
  if (wanted.size === 0 || [...wanted].some((a) => !known.has(a))) {
    throw new S3Error('InvalidArgument', 'Invalid attribute name specified.');
  }
  const body: XmlNode = {};
  if (wanted.has('ETag')) body['ETag'] = record.etag;
  if (wanted.has('Checksum') && record.checksum) {
    body['Checksum'] = { [`Checksum${record.checksum.algorithm}`]: record.checksum.value, ChecksumType: record.checksum.type };
  }
  if (wanted.has('ObjectParts') && record.multipart) {
    const marker = Number(ctx.address.query.get('part-number-marker') ?? headerValue(ctx.headers, 'x-amz-part-number-marker') ?? '0') || 0;
    const maxParts = parseMaxKeys(new URLSearchParams({ 'max-parts': headerValue(ctx.headers, 'x-amz-max-parts') ?? '1000' }), 'max-parts');
    const after = record.segments.filter((s) => s.partNumber > marker);
    const page = after.slice(0, maxParts);
    body['ObjectParts'] = {
      TotalPartsCount: record.segments.length, PartNumberMarker: marker,
      NextPartNumberMarker: page.at(-1)?.partNumber ?? marker, MaxParts: maxParts, IsTruncated: after.length > maxParts,
      Part: page.map((s) => ({ PartNumber: s.partNumber, Size: s.size })),
    };
  }
  if (wanted.has('StorageClass')) body['StorageClass'] = 'STANDARD';
  if (wanted.has('ObjectSize')) body['ObjectSize'] = record.size;
  const response = xmlResponse(renderXmlDocument('GetObjectAttributesResponse', body));
  Object.assign(response.headers, {
    'last-modified': record.lastModified.toUTCString(),
    ...sseResponseHeaders(ctx.sse.target, record.encryption !== undefined),
  });
  return response;
}

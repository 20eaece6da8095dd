// CompleteMultipartUpload: validates the part list and commits the object in one transaction.
// Clients differ in whether they send the SSE-C trio here; both are accepted.
import { S3Error } from '../../domain/errors.ts';
import { requireBucketName, requireKey, type S3Context } from '../context.ts';
import { quoteEtag } from '../object-headers.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { sseResponseHeaders } from '../sse-headers.ts';
import { childArray, childObject, childText, parseXmlBody } from '../xml/parser.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { parsePartNumber } from './part-number.ts';
import { compositeChecksum, fullObjectChecksum } from '../checksums/index.ts';

export async function completeMultipartUpload(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const key = requireKey(ctx);
  const upload = await ctx.services.multipart.find(bucket, key, ctx.address.query.get('uploadId') ?? '');
  if (ctx.sse.target) ctx.services.multipart.dataKeyFor(upload, ctx.sse.target);
  const document = childObject(parseXmlBody(await ctx.readControlBody()), 'CompleteMultipartUpload');
  const parts = childArray(document, 'Part').map((part) => {
    const partNumber = childText(part, 'PartNumber');
    const etag = childText(part, 'ETag');
    if (partNumber === undefined || etag === undefined) throw new S3Error('MalformedXML');
    return { partNumber: parsePartNumber(partNumber.trim()), etag: etag.trim() };
  });
  const record = await ctx.services.multipart.complete(upload, parts, async (segments) => {
    const algorithm = upload.checksumAlgorithm;
    if (!algorithm) return undefined;
    const checksums = segments.map((s) => s.checksum ?? '');
    // CRC64NVME exists only as a full-object checksum; the others default to COMPOSITE, as in AWS.
    if (algorithm === 'CRC64NVME') {
      const value = await fullObjectChecksum(algorithm, segments.map((s) => ({ checksum: s.checksum ?? '', size: s.size })));
      return { algorithm, value, type: 'FULL_OBJECT' as const };
    }
    return { algorithm, value: await compositeChecksum(algorithm, checksums), type: 'COMPOSITE' as const };
  });
  const response = xmlResponse(renderXmlDocument('CompleteMultipartUploadResult', {
    Location: `/${bucket.name}/${encodeURIComponent(key)}`,
    Bucket: bucket.name,
    Key: key,
    ETag: quoteEtag(record.etag),
    ...(record.checksum ? { [`Checksum${record.checksum.algorithm}`]: record.checksum.value, ChecksumType: record.checksum.type } : {}),
  }));
  Object.assign(response.headers, sseResponseHeaders(ctx.sse.target, record.encryption !== undefined));
  if (record.encryption && !ctx.sse.target) {
    response.headers['x-amz-server-side-encryption-customer-algorithm'] = 'AES256';
  }
  return response;
}

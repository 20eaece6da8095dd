// ListMultipartUploads: uploads in progress, by key then upload id, with prefix and delimiter.
import { requireBucketName, type S3Context } from '../context.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { keyEncoder, parseMaxKeys } from './list-params.ts';
import { ownerOf } from './owner.ts';

export async function listMultipartUploads(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  const q = ctx.address.query;
  const encode = keyEncoder(q);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker === '' ? '' : (q.get('upload-id-marker') ?? '\u{10FFFF}');
  const maxUploads = parseMaxKeys(q, 'max-uploads');
  const uploads = await ctx.services.multipart.listUploads(bucket, {
    prefix, keyAfter: keyMarker, uploadIdAfter: uploadIdMarker, limit: maxUploads + 1,
  });
  const commonPrefixes = new Set<string>();
  const listed = [];
  for (const upload of uploads.slice(0, maxUploads)) {
    const at = delimiter === '' ? -1 : upload.key.indexOf(delimiter, prefix.length);
    if (at !== -1) commonPrefixes.add(upload.key.slice(0, at + delimiter.length));
    else listed.push(upload);
  }
  const truncated = uploads.length > maxUploads;
  const last = uploads[Math.min(uploads.length, maxUploads) - 1];
  return xmlResponse(renderXmlDocument('ListMultipartUploadsResult', {
    Bucket: bucket.name, KeyMarker: encode(keyMarker), UploadIdMarker: q.get('upload-id-marker') ?? '',
    NextKeyMarker: truncated && last ? encode(last.key) : undefined,
    NextUploadIdMarker: truncated && last ? last.uploadId : undefined,
    Prefix: encode(prefix), Delimiter: delimiter === '' ? undefined : encode(delimiter),
    MaxUploads: maxUploads, IsTruncated: truncated, EncodingType: q.get('encoding-type') ?? undefined,
    Upload: listed.map((u) => ({
      Key: encode(u.key), UploadId: u.uploadId, Initiator: ownerOf(ctx.principal), Owner: ownerOf(ctx.principal),
      StorageClass: 'STANDARD', Initiated: u.initiated.toISOString(), ChecksumAlgorithm: u.checksumAlgorithm,
    })),
    CommonPrefixes: [...commonPrefixes].map((p) => ({ Prefix: encode(p) })),
  }));
}

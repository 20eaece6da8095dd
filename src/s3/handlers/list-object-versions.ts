// ListObjectVersions on an unversioned bucket: every object is its only version, "null", and latest.
// Test suites clean buckets up with it, so it must page like the other listings.
import { requireBucketName, type S3Context } from '../context.ts';
import { quoteEtag } from '../object-headers.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { keyEncoder, parseMaxKeys } from './list-params.ts';
import { ownerOf } from './owner.ts';

export async function listObjectVersions(ctx: S3Context): Promise<S3Response> {
  const name = requireBucketName(ctx);
  await ctx.services.buckets.require(name, ctx.principal);
  const q = ctx.address.query;
  const encode = keyEncoder(q);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const maxKeys = parseMaxKeys(q);
  const page = await ctx.services.list(name, { prefix, delimiter, after: keyMarker, maxKeys });
  return xmlResponse(renderXmlDocument('ListVersionsResult', {
    Name: name,
    Prefix: encode(prefix),
    KeyMarker: encode(keyMarker),
    VersionIdMarker: q.get('version-id-marker') ?? '',
    NextKeyMarker: page.isTruncated && page.last !== undefined ? encode(page.last) : undefined,
    NextVersionIdMarker: page.isTruncated ? 'null' : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter === '' ? undefined : encode(delimiter),
    IsTruncated: page.isTruncated,
    EncodingType: q.get('encoding-type') ?? undefined,
    Version: page.contents.map((o) => ({
      Key: encode(o.key), VersionId: 'null', IsLatest: true, LastModified: o.lastModified.toISOString(),
      ETag: quoteEtag(o.etag), Size: o.size, Owner: ownerOf(ctx.principal), StorageClass: 'STANDARD',
    })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  }));
}

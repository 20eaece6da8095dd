// ListObjects (v1) and ListObjectsV2, served from the metadata index.
import { requireBucketName, type S3Context } from '../context.ts';
import type { ListPage } from '../../domain/listing.ts';
import { quoteEtag } from '../object-headers.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument, type XmlNode } from '../xml/writer.ts';
import { decodeToken, encodeToken, keyEncoder, parseMaxKeys } from './list-params.ts';
import { ownerOf } from './owner.ts';

function contentsOf(ctx: S3Context, page: ListPage, encode: (t: string) => string, withOwner: boolean): XmlNode[] {
  return page.contents.map((o) => ({
    Key: encode(o.key),
    LastModified: o.lastModified.toISOString(),
    ETag: quoteEtag(o.etag),
    ChecksumAlgorithm: o.checksumAlgorithm,
    Size: o.size,
    StorageClass: 'STANDARD',
    Owner: withOwner ? ownerOf(ctx.principal) : undefined,
  }));
}

export async function listObjectsV2(ctx: S3Context): Promise<S3Response> {
  const name = requireBucketName(ctx);
  await ctx.services.buckets.require(name, ctx.principal);
  const q = ctx.address.query;
  const encode = keyEncoder(q);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after') ?? '';
  const maxKeys = parseMaxKeys(q);
  const after = token !== null ? decodeToken(token) : startAfter;
  const page = await ctx.services.list(name, { prefix, delimiter, after, maxKeys });
  return xmlResponse(renderXmlDocument('ListBucketResult', {
    Name: name,
    Prefix: encode(prefix),
    Delimiter: delimiter === '' ? undefined : encode(delimiter),
    MaxKeys: maxKeys,
    KeyCount: page.contents.length + page.commonPrefixes.length,
    IsTruncated: page.isTruncated,
    ContinuationToken: token ?? undefined,
    NextContinuationToken: page.isTruncated && page.last !== undefined ? encodeToken(page.last) : undefined,
    StartAfter: startAfter === '' ? undefined : encode(startAfter),
    EncodingType: q.get('encoding-type') ?? undefined,
    Contents: contentsOf(ctx, page, encode, q.get('fetch-owner') === 'true'),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  }));
}

export async function listObjects(ctx: S3Context): Promise<S3Response> {
  const name = requireBucketName(ctx);
  await ctx.services.buckets.require(name, ctx.principal);
  const q = ctx.address.query;
  const encode = keyEncoder(q);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const marker = q.get('marker') ?? '';
  const maxKeys = parseMaxKeys(q);
  const page = await ctx.services.list(name, { prefix, delimiter, after: marker, maxKeys });
  return xmlResponse(renderXmlDocument('ListBucketResult', {
    Name: name,
    Prefix: encode(prefix),
    Marker: encode(marker),
    NextMarker: page.isTruncated && page.last !== undefined ? encode(page.last) : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter === '' ? undefined : encode(delimiter),
    IsTruncated: page.isTruncated,
    EncodingType: q.get('encoding-type') ?? undefined,
    Contents: contentsOf(ctx, page, encode, true),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  }));
}

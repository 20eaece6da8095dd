// What ListObjects, ListObjectsV2 and ListObjectVersions share: the bucket check, the parameters
// that choose a page of keys, and (v1 and versions) the layout of the result around that page.
import type { ListPage } from '../../domain/listing.ts';
import { requireBucketName, type S3Context } from '../context.ts';
import type { XmlNode } from '../xml/writer.ts';
import { keyEncoder, parseMaxKeys } from './list-params.ts';

export interface ObjectListing {
  bucket: string;
  query: URLSearchParams;
  /** As the result must show keys: unchanged, or percent-encoded under encoding-type=url. */
  encode: (text: string) => string;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** The page of keys that follows `after` (a marker, or nothing). */
  page(after: string): Promise<ListPage>;
}

/** The bucket is checked before any parameter, so a missing bucket answers NoSuchBucket first. */
export async function openObjectListing(ctx: S3Context): Promise<ObjectListing> {
  const bucket = requireBucketName(ctx);
  await ctx.services.buckets.require(bucket, ctx.principal);
  const query = ctx.address.query;
  const encode = keyEncoder(query);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = parseMaxKeys(query);
  return {
    bucket, query, encode, prefix, delimiter, maxKeys,
    page: (after) => ctx.services.list(bucket, { prefix, delimiter, after, maxKeys }),
  };
}

/** The key a truncated page ends with, which a client sends back as its next marker. */
export const nextMarker = (listing: ObjectListing, page: ListPage): string | undefined =>
  page.isTruncated && page.last !== undefined ? listing.encode(page.last) : undefined;

/**
 * The elements of ListBucketResult (v1) and ListVersionsResult, which AWS lays out alike: the
 * operation's `markers` after Prefix, its `entries` before CommonPrefixes. (V2 orders its own.)
 */
export function markerListingResult(listing: ObjectListing, page: ListPage, markers: XmlNode, entries: XmlNode): XmlNode {
  const { encode, delimiter } = listing;
  return {
    Name: listing.bucket,
    Prefix: encode(listing.prefix),
    ...markers,
    MaxKeys: listing.maxKeys,
    Delimiter: delimiter === '' ? undefined : encode(delimiter),
    IsTruncated: page.isTruncated,
    EncodingType: listing.query.get('encoding-type') ?? undefined,
    ...entries,
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  };
}

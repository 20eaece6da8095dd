// ListObjectVersions on an unversioned bucket: every object is its only version, "null", and latest.
// Test suites clean buckets up with it, so it must page like the other listings.
import type { S3Context } from '../context.ts';
import { quoteEtag } from '../object-headers.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { markerListingResult, nextMarker, openObjectListing } from './object-listing.ts';
import { ownerOf } from './owner.ts';

export async function listObjectVersions(ctx: S3Context): Promise<S3Response> {
  const listing = await openObjectListing(ctx);
  const { query: q, encode } = listing;
  const keyMarker = q.get('key-marker') ?? '';
  const page = await listing.page(keyMarker);
  return xmlResponse(renderXmlDocument('ListVersionsResult', markerListingResult(listing, page, {
    KeyMarker: encode(keyMarker),
    VersionIdMarker: q.get('version-id-marker') ?? '',
    NextKeyMarker: nextMarker(listing, page),
    NextVersionIdMarker: page.isTruncated ? 'null' : undefined,
  }, {
    Version: page.contents.map((o) => ({
      Key: encode(o.key), VersionId: 'null', IsLatest: true, LastModified: o.lastModified.toISOString(),
      ETag: quoteEtag(o.etag), Size: o.size, Owner: ownerOf(ctx.principal), StorageClass: 'STANDARD',
    })),
  })));
}

// ListObjects (v1) and ListObjectsV2, served from the metadata index.
import type { S3Context } from '../context.ts';
import type { ListPage } from '../../domain/listing.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument, type XmlFragment } from '../xml/writer.ts';
import { renderContents } from './listing-contents.ts';
import { decodeToken, encodeToken } from './list-params.ts';
import { markerListingResult, nextMarker, openObjectListing } from './object-listing.ts';
import { ownerOf } from './owner.ts';

function contentsOf(ctx: S3Context, page: ListPage, encode: (t: string) => string, withOwner: boolean): XmlFragment {
  return renderContents(page.contents, encode, withOwner ? ownerOf(ctx.principal) : undefined);
}

export async function listObjectsV2(ctx: S3Context): Promise<S3Response> {
  const listing = await openObjectListing(ctx);
  const { query: q, encode, delimiter } = listing;
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after') ?? '';
  const page = await listing.page(token !== null ? decodeToken(token) : startAfter);
  return xmlResponse(renderXmlDocument('ListBucketResult', {
    Name: listing.bucket,
    Prefix: encode(listing.prefix),
    Delimiter: delimiter === '' ? undefined : encode(delimiter),
    MaxKeys: listing.maxKeys,
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
  const listing = await openObjectListing(ctx);
  const marker = listing.query.get('marker') ?? '';
  const page = await listing.page(marker);
  return xmlResponse(renderXmlDocument('ListBucketResult', markerListingResult(listing, page,
    { Marker: listing.encode(marker), NextMarker: nextMarker(listing, page) },
    { Contents: contentsOf(ctx, page, listing.encode, true) })));
}

// The Contents of a listing page, rendered straight to text, against the generic XML writer that
// rendered them before: the same bytes for every kind of key, ETag, checksum and owner.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectSummary } from '../../src/domain/model.ts';
import { renderContents } from '../../src/s3/handlers/listing-contents.ts';
import { keyEncoder } from '../../src/s3/handlers/list-params.ts';
import { renderXmlDocument, type XmlNode } from '../../src/s3/xml/writer.ts';

const summaries: ObjectSummary[] = [
  { key: 'dir1/file2', size: 0, etag: '9dd4e461268c8034f5c8564e155c67a6', lastModified: new Date('2026-11-29T19:05:12.345Z') },
  { key: `a&b<c>d"e'f`, size: 5_368_709_120, etag: '0123456789abcdef0123456789abcdef-3', lastModified: new Date(0), checksumAlgorithm: 'CRC32C' },
  { key: 'ctl\u0001\u001f tab\t ü 😀 %/+?', size: 1, etag: 'e&"<', lastModified: new Date('1999-12-31T23:59:59.999Z'), checksumAlgorithm: 'SHA256' },
];

/** What the listing handlers built before: one node per object, walked by the generic writer. */
function generic(encode: (key: string) => string, owner?: { ID: string; DisplayName: string }): string {
  const Contents: XmlNode[] = summaries.map((o) => ({
    Key: encode(o.key), LastModified: o.lastModified.toISOString(), ETag: `"${o.etag}"`, ChecksumAlgorithm: o.checksumAlgorithm,
    Size: o.size, StorageClass: 'STANDARD', Owner: owner,
  }));
  return renderXmlDocument('ListBucketResult', { Name: 'b', Contents, CommonPrefixes: [{ Prefix: 'p/' }] });
}

function direct(encode: (key: string) => string, owner?: { ID: string; DisplayName: string }): string {
  return renderXmlDocument('ListBucketResult', { Name: 'b', Contents: renderContents(summaries, encode, owner), CommonPrefixes: [{ Prefix: 'p/' }] });
}

test('renders a page of Contents exactly as the generic writer does, with and without owner and url encoding', () => {
  const owner = { ID: 'user-1', DisplayName: 'Ada & <Bob>' };
  for (const encode of [keyEncoder(new URLSearchParams()), keyEncoder(new URLSearchParams('encoding-type=url'))]) {
    assert.equal(direct(encode), generic(encode));
    assert.equal(direct(encode, owner), generic(encode, owner));
  }
  assert.match(direct((k) => k), /<ETag>&quot;9dd4e461268c8034f5c8564e155c67a6&quot;<\/ETag>/);
  assert.match(direct((k) => k), /<Key>ctl&#x1;&#x1f; tab\t ü 😀 %\/\+\?<\/Key>/);
});

test('an empty page renders no Contents', () => {
  assert.equal(renderContents([], (k) => k).xml, '');
});

// The XML writer behind every S3 response body: element order, repetition, omission and escaping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeXml, renderXmlDocument } from '../../src/s3/xml/writer.ts';

test('renders elements in order, repeats arrays, omits absent values, escapes text', () => {
  const xml = renderXmlDocument('ListBucketResult', {
    Name: 'b&<',
    MaxKeys: 3,
    IsTruncated: false,
    Marker: undefined,
    NextMarker: null,
    Contents: [{ Key: `q'"`, Size: 0, Owner: { ID: 'i', DisplayName: undefined } }, { Key: 'v\u0001\t', Size: 1 }],
    CommonPrefixes: [],
    Nested: { Deep: { Deeper: 'x' } },
  });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Name>b&amp;&lt;</Name><MaxKeys>3</MaxKeys><IsTruncated>false</IsTruncated>' +
      '<Contents><Key>q&apos;&quot;</Key><Size>0</Size><Owner><ID>i</ID></Owner></Contents>' +
      '<Contents><Key>v&#x1;\t</Key><Size>1</Size></Contents>' +
      '<Nested><Deep><Deeper>x</Deeper></Deep></Nested></ListBucketResult>',
  );
});

test('renders without the namespace when asked', () => {
  assert.equal(renderXmlDocument('Error', { Code: 'NoSuchKey' }, false), '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code></Error>');
});

test('escapes the five XML characters and control characters, and returns other text unchanged', () => {
  assert.equal(escapeXml(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
  assert.equal(escapeXml('\u0000\u0008\u000b\u000c\u000e\u001f'), '&#x0;&#x8;&#xb;&#xc;&#xe;&#x1f;');
  const plain = 'dir1/file2 \t\n\r ü 😀';
  assert.equal(escapeXml(plain), plain);
});

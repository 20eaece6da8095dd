// ListObjects v1/v2 and ListObjectVersions: prefix, delimiter, paging, start-after, url encoding.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { uniqueBucket } from '../helpers/clients.ts';
import { errorCode } from '../helpers/errors.ts';
import { rawRequest } from '../helpers/raw.ts';
import type { TestServer } from '../helpers/server.ts';
import { startServerWithBucket } from '../helpers/server-with-bucket.ts';

const keys = ['a/1', 'a/2', 'a/b/3', 'b/4', 'c', 'd+e f', 'z/ü'];

describe('listing', () => {
  let server: TestServer;
  let s3: S3Client;
  let Bucket: string;
  before(async () => {
    ({ server, s3, bucket: Bucket } = await startServerWithBucket('list'));
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
  });
  after(async () => {
    await server?.stop();
  });

  it('lists everything in byte order', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), [...keys].sort());
    assert.equal(out.KeyCount, keys.length);
    assert.equal(out.IsTruncated, false);
  });

  it('rolls keys up into common prefixes with a delimiter', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/' }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), ['c', 'd+e f']);
    assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/', 'z/']);
    const nested = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/', Prefix: 'a/' }));
    assert.deepEqual(nested.Contents?.map((c) => c.Key), ['a/1', 'a/2']);
    assert.deepEqual(nested.CommonPrefixes?.map((p) => p.Prefix), ['a/b/']);
  });

  it('pages with continuation tokens, never repeating a prefix', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const out = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/', MaxKeys: 1, ContinuationToken: token }));
      seen.push(...(out.Contents?.map((c) => c.Key!) ?? []), ...(out.CommonPrefixes?.map((p) => p.Prefix!) ?? []));
      token = out.NextContinuationToken;
      assert.equal(out.IsTruncated, token !== undefined);
    } while (token);
    assert.deepEqual(seen, ['a/', 'b/', 'c', 'd+e f', 'z/']);
  });

  it('pages v1 with markers and honours start-after in v2', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket, MaxKeys: 2 }));
    assert.equal(first.IsTruncated, true);
    const second = await s3.send(new ListObjectsCommand({ Bucket, Marker: first.NextMarker ?? first.Contents?.at(-1)?.Key }));
    assert.deepEqual([...(first.Contents ?? []), ...(second.Contents ?? [])].map((c) => c.Key), [...keys].sort());
    const after = await s3.send(new ListObjectsV2Command({ Bucket, StartAfter: 'b/4' }));
    assert.deepEqual(after.Contents?.map((c) => c.Key), ['c', 'd+e f', 'z/ü']);
  });

  it('percent-encodes keys with encoding-type=url', async () => {
    const res = await rawRequest(server, { method: 'GET', path: `/${Bucket}`, query: { 'list-type': '2', 'encoding-type': 'url', prefix: 'd' } });
    const body = res.body.toString();
    assert.match(body, /<Key>d%2Be%20f<\/Key>/);
    assert.match(body, /<EncodingType>url<\/EncodingType>/);
  });

  it('escapes keys that XML cannot carry as they are', async () => {
    const Bucket3 = uniqueBucket('xml');
    await s3.send(new CreateBucketCommand({ Bucket: Bucket3 }));
    const odd = ['a&b', 'c<d>e', `q"u'o`, 'tab\tand\u0001'];
    for (const Key of odd) await s3.send(new PutObjectCommand({ Bucket: Bucket3, Key, Body: 'x' }));
    const res = await rawRequest(server, { method: 'GET', path: `/${Bucket3}`, query: { 'list-type': '2' } });
    const body = res.body.toString();
    for (const escaped of ['<Key>a&amp;b</Key>', '<Key>c&lt;d&gt;e</Key>', '<Key>q&quot;u&apos;o</Key>', '<Key>tab\tand&#x1;</Key>']) {
      assert.ok(body.includes(escaped), `${escaped} in ${body}`);
    }
    const out = await s3.send(new ListObjectsV2Command({ Bucket: Bucket3 }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), [...odd].sort());
  });

  it('lists every object as version null', async () => {
    const out = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.equal(out.Versions?.length, keys.length);
    assert.ok(out.Versions?.every((v) => v.VersionId === 'null' && v.IsLatest));
  });

  it('refuses a bad max-keys and a forged continuation token', async () => {
    const bad = await rawRequest(server, { method: 'GET', path: `/${Bucket}`, query: { 'list-type': '2', 'max-keys': 'ten' } });
    assert.equal(bad.status, 400);
    assert.equal(await errorCode(s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: '!!' }))), 'InvalidArgument');
  });

  it('rolls up a prefix holding many keys once, across pages', async () => {
    const Bucket2 = uniqueBucket('many');
    await s3.send(new CreateBucketCommand({ Bucket: Bucket2 }));
    const keys2 = ['a', ...Array.from({ length: 45 }, (_, i) => `m/${String(i).padStart(2, '0')}`), 'n/1', 'z'];
    await Promise.all(keys2.map((Key) => s3.send(new PutObjectCommand({ Bucket: Bucket2, Key, Body: 'x' }))));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: Bucket2, Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(out.Contents?.map((c) => c.Key!) ?? []), ...(out.CommonPrefixes?.map((p) => p.Prefix!) ?? []));
      token = out.NextContinuationToken;
    } while (token);
    assert.deepEqual(seen.sort(), ['a', 'm/', 'n/', 'z']);
  });
});

// fast-check generators of hostile S3 requests: odd keys and paths, query and header garbage, broken and
// malicious XML, every signing mistake. All are well framed (the length is right), so every one deserves an answer.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { awsEncode, type AuthMode, type FuzzRequest } from './fuzz-wire.ts';

/** Put into keys that look like paths: if any server code used a key as a path, a file with it would appear. */
export const MARKER = `coffer-fuzz-marker-${process.pid}`;

export interface FuzzTargets {
  bucket: string;
  uploadId: string;
  uploadKey: string;
  plainKey: string;
  sseKey: string;
}

const encodeKey = (key: string): string => key.split('/').map(awsEncode).join('/');

const rawKey = fc.oneof(
  fc.constantFrom('..', '../..', `../../../../../../tmp/${MARKER}`, `..%2F..%2F${MARKER}`, './x', '//double', 'trailing/', `${MARKER}/../../x`),
  fc.constantFrom('%00', `a%00b${MARKER}`, '%FF', '%C3%28', '%ED%A0%80', '%F4%90%80%80', '%C0%AF', '%E0%A4%A', '%', '%ZZ', 'a b', 'a#b', 'a?b'),
  fc.constantFrom('k'.repeat(1024), 'k'.repeat(1025), 'é'.repeat(513), 'x'.repeat(4096)).map(encodeKey),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeKey),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map((s) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.stringMatching(/^[a-z0-9/._-]{1,30}$/),
);

const query = (t: FuzzTargets): fc.Arbitrary<[string, string][]> => {
  const value = fc.oneof(fc.constantFrom('', '0', '-1', '1', '10000', '10001', '99999999999999999999', '1e3', '0x10', 'abc', t.uploadId), fc.string({ maxLength: 30 }));
  const names = fc.constantFrom(
    'uploads', 'uploadId', 'partNumber', 'list-type', 'max-keys', 'max-parts', 'max-uploads', 'prefix', 'delimiter', 'marker',
    'start-after', 'continuation-token', 'encoding-type', 'delete', 'versions', 'acl', 'tagging', 'encryption', 'location',
    'attributes', 'part-number-marker', 'key-marker', 'upload-id-marker', 'response-content-type', 'response-expires',
    'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Expires', 'versionId', 'fetch-owner',
  );
  return fc.oneof(
    fc.constant<[string, string][]>([]),
    fc.constant<[string, string][]>([['uploadId', t.uploadId], ['partNumber', '1']]),
    fc.array(fc.tuple(names, value), { maxLength: 5 }),
  );
};

const b64 = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((a) => Buffer.from(a).toString('base64'));
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('base64');

const header: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constantFrom('content-md5'), fc.oneof(fc.constantFrom('', 'x', '1B2M2Y8AsgTpgAmY7PhCfg=='), b64(16), b64(3))),
  fc.tuple(fc.constantFrom('x-amz-content-sha256'), fc.constantFrom('UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'zz', '')),
  fc.tuple(fc.constantFrom('x-amz-decoded-content-length'), fc.constantFrom('-1', '0', '5', '99999999999999999', 'x', '')),
  fc.tuple(fc.constantFrom('range'), fc.oneof(fc.constantFrom('bytes=0-', 'bytes=-0', 'bytes=5-1', 'bytes=99999999999999999999-', 'bytes=0-1,3-4', 'bytes=', 'lines=1-2', 'bytes=-99999999'), fc.string({ maxLength: 20 }))),
  fc.tuple(fc.constantFrom('x-amz-server-side-encryption-customer-algorithm', 'x-amz-copy-source-server-side-encryption-customer-algorithm'), fc.constantFrom('AES256', 'AES128', '', 'aes256')),
  fc.tuple(fc.constantFrom('x-amz-server-side-encryption-customer-key', 'x-amz-copy-source-server-side-encryption-customer-key'), fc.oneof(b64(32), b64(31), fc.constantFrom('!!notbase64', ''))),
  fc.tuple(fc.constantFrom('x-amz-server-side-encryption-customer-key-md5', 'x-amz-copy-source-server-side-encryption-customer-key-md5'), fc.oneof(b64(16), fc.constantFrom('x', md5('')))),
  fc.tuple(fc.constantFrom('x-amz-server-side-encryption'), fc.constantFrom('AES256', 'aws:kms', 'junk')),
  fc.tuple(fc.constantFrom('x-amz-copy-source'), fc.oneof(fc.constantFrom('/fuzz/plain', 'fuzz/plain', '/fuzz/../../etc/passwd', '%', '/fuzz', '/', '/fuzz/plain?versionId=zz', `/fuzz/${MARKER}/../x`), rawKey.map((k) => `/fuzz/${k}`))),
  fc.tuple(fc.constantFrom('x-amz-copy-source-range'), fc.constantFrom('bytes=0-1', 'bytes=9-1', 'bytes=x', '')),
  fc.tuple(fc.constantFrom('x-amz-metadata-directive', 'x-amz-storage-class', 'x-amz-acl', 'x-amz-tagging'), fc.string({ maxLength: 20 })),
  fc.tuple(fc.constantFrom('if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'x-amz-copy-source-if-match'), fc.constantFrom('*', '"x"', 'Tue, 15 Nov 1994 08:12:31 GMT', 'garbage', '')),
  fc.tuple(fc.constantFrom('x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256', 'x-amz-checksum-crc64nvme'), fc.oneof(b64(4), b64(32), fc.constantFrom('x', ''))),
  fc.tuple(fc.constantFrom('x-amz-sdk-checksum-algorithm', 'x-amz-checksum-algorithm', 'x-amz-trailer'), fc.constantFrom('CRC32', 'SHA256', 'MD5', 'x-amz-checksum-crc32', 'junk')),
  fc.tuple(fc.stringMatching(/^x-amz-meta-[a-z0-9-]{1,20}$/), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('v'.repeat(3000)))),
  fc.tuple(fc.constantFrom('expect'), fc.constantFrom('100-continue', 'nonsense')),
  fc.tuple(fc.constantFrom('x-amz-date', 'date'), fc.constantFrom('20200101T000000Z', 'garbage', '')),
  fc.tuple(fc.stringMatching(/^x-[a-z-]{1,15}$/), fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' '))),
);

const part = (n: string, etag: string) => `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag></Part>`;

const xmlBody = (t: FuzzTargets): fc.Arbitrary<string> => fc.oneof(
  fc.constant(`<CompleteMultipartUpload>${Array.from({ length: 10_001 }, (_, i) => part(String(i + 1), '"x"')).join('')}</CompleteMultipartUpload>`),
  fc.array(fc.tuple(fc.constantFrom('1', '2', '0', '-1', '10001', 'x', ''), fc.string({ maxLength: 34 })), { maxLength: 6 })
    .map((ps) => `<CompleteMultipartUpload>${ps.map(([n, e]) => part(n, e)).join('')}</CompleteMultipartUpload>`),
  fc.constantFrom(
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Delete><Object><Key>&lol2;</Key></Object></Delete>',
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&xxe;</ETag></Part></CompleteMultipartUpload>',
    '<!doctype x><Delete/>', '<Delete><Object><Key>&#0;</Key></Object></Delete>', '<Delete><Object><Key>&amp;&lt;&#x10FFFF;</Key></Object><Quiet>true</Quiet></Delete>',
    '<__proto__><polluted>1</polluted></__proto__>', '<Delete><__proto__><Object><Key>a</Key></Object></__proto__></Delete>',
    '<Delete><constructor><prototype>x</prototype></constructor></Delete>', '<CompleteMultipartUpload><Part>', '<<<>>>', '<a><![CDATA[</a>]]></a>',
    `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`, `<Delete><Object><Key>${'k'.repeat(1025)}</Key></Object></Delete>`,
    `<Delete><Object><Key>../../../tmp/${MARKER}</Key></Object></Delete>`, `<CompleteMultipartUpload>${part('1', t.uploadId)}</CompleteMultipartUpload>`,
  ),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`),
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => `<Delete><Object><Key>${s}</Key></Object></Delete>`),
);

const body = (t: FuzzTargets): fc.Arbitrary<Buffer> => fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)),
  xmlBody(t).map((s) => Buffer.from(s)),
  fc.constantFrom(Buffer.from([0xff, 0xfe, 0x3c, 0x00]), Buffer.from('0;chunk-signature=zz\r\n\r\n'), Buffer.from('5\r\nhello\r\n0\r\n\r\n')),
);

const auth: fc.Arbitrary<AuthMode> = fc.constantFrom<AuthMode>(
  'valid', 'valid', 'valid', 'valid', 'flipped-signature', 'wrong-secret', 'skewed', 'wrong-region', 'garbage', 'none',
  'presigned', 'presigned-flipped', 'presigned-expired', 'presigned-mangled',
);

/** A hostile request; DeleteObjects bodies get a matching Content-MD5 half the time so they reach the parser. */
export function fuzzRequest(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const target = fc.oneof(
    fc.constant('/'),
    fc.constantFrom(`/${t.bucket}`, '/fuzz-missing-bucket', '/UPPER', '/a', `/${'b'.repeat(70)}`, '/bad..name', '/%FF', `/${MARKER}`),
    rawKey.map((k) => `/${t.bucket}/${k}`),
    fc.constantFrom(`/${t.bucket}/${t.uploadKey}`, `/${t.bucket}/${t.plainKey}`, `/${t.bucket}/${t.sseKey}`),
  );
  return fc.record({
    method: fc.constantFrom('GET', 'GET', 'PUT', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'),
    path: target,
    query: query(t),
    headers: fc.array(header, { maxLength: 6 }),
    body: body(t),
    auth,
    noise: fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, '')),
    withMd5: fc.boolean(),
  }).map(({ withMd5, ...r }) => {
    const family = r.body.toString('latin1', 0, 40).startsWith('<') ? 'xml' : r.headers.length > 0 ? 'headers' : r.auth;
    const headers = withMd5 && r.body.length > 0 ? [...r.headers, ['content-md5', md5(r.body)] as [string, string]] : r.headers;
    return { ...r, headers, family };
  });
}

// Isolation matrix: with project B's credentials, every routed S3 operation and every key-manager
// route aimed at project A's bucket, objects, multipart upload or secrets is refused, and afterwards
// A's data is byte-for-byte unchanged and nothing of A's reached B. One subtest per row, by name.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteBucketCommand, DeleteBucketEncryptionCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketAclCommand, GetBucketCorsCommand,
  GetBucketEncryptionCommand, GetBucketLifecycleConfigurationCommand, GetBucketLocationCommand, GetBucketPolicyCommand, GetBucketTaggingCommand,
  GetBucketVersioningCommand, GetBucketWebsiteCommand, GetObjectAclCommand, GetObjectAttributesCommand, GetObjectCommand, GetObjectTaggingCommand,
  HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListMultipartUploadsCommand, ListObjectsCommand, ListObjectsV2Command,
  ListObjectVersionsCommand, ListPartsCommand, PutBucketEncryptionCommand, PutObjectCommand, S3ServiceException, UploadPartCommand,
  UploadPartCopyCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import { rawRequest, signer, xmlCode } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { call, login, provision, type Session } from './helpers.ts';

interface Tenant { session: Session; s3: S3Client; asSigner: TestServer; bucket: string; secretRef: string }
interface Outcome { status: number; code?: string }
interface Row { name: string; call: () => Promise<unknown>; expect?: Outcome }

const denied: Outcome = { status: 403, code: 'AccessDenied' };
const noSuchUpload: Outcome = { status: 404, code: 'NoSuchUpload' };
const notImplemented: Outcome = { status: 501, code: 'NotImplemented' };
const secretNotFound: Outcome = { status: 404, code: 'Not Found' };
const headDenied: Outcome = { status: 403 }; // HEAD answers carry no body, so no code to compare
const subresources = ['acl', 'cors', 'policy', 'lifecycle', 'website', 'tagging', 'versioning'];

/** What a call answered: the SDK's error, a raw reply, or 200 for a call that went through. */
async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    const value = await run();
    return typeof value === 'object' && value !== null && 'status' in value ? (value as Outcome) : { status: 200 };
  } catch (error) {
    if (error instanceof S3ServiceException) return { status: error.$metadata.httpStatusCode ?? 0, code: error.name };
    throw error;
  }
}

describe('isolation matrix: project B against project A', () => {
  let server: TestServer;
  let a: Tenant;
  let b: Tenant;
  const keyA = randomBytes(32).toString('base64');
  const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: keyA };
  const copySse = { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: keyA };
  const plainBytes = randomBytes(5000);
  const sseBytes = randomBytes(70_000); // more than one 64 KiB chunk
  const partBytes = randomBytes(3000);
  const secretPayload = `a-payload-${randomBytes(12).toString('hex')}`;
  let plainEtag: string | undefined;
  let sseEtag: string | undefined;
  let encryptionBefore: unknown;
  let uploadId = '';
  let partEtag = '';
  let bUploadId = '';
  let emptySecretRef = '';

  async function tenant(name: string): Promise<Tenant> {
    const user = await provision(server, name);
    const session = await login(server, user.user, user.password, user.project);
    const auth = { 'x-auth-token': session.token };
    const ec2 = await call(server, `${server.identityEndpoint}/users/${session.userId}/credentials/OS-EC2`, { method: 'POST', headers: auth, body: { tenant_id: session.projectId } });
    assert.equal(ec2.status, 201);
    const { access, secret } = ec2.json<{ credential: { access: string; secret: string } }>().credential;
    const s3 = sdkClient(server, { accessKey: access, secretKey: secret });
    const bucket = uniqueBucket(name);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const stored = await call(server, `${server.keyManagerEndpoint}/secrets`, {
      method: 'POST', headers: auth, body: { name: `${name}-key`, payload: secretPayload, payload_content_type: 'text/plain' },
    });
    assert.equal(stored.status, 201);
    return { session, s3, asSigner: { ...server, accessKey: access, secretKey: secret }, bucket, secretRef: stored.json<{ secret_ref: string }>().secret_ref };
  }

  before(async () => {
    server = await startServer();
    a = await tenant('proj-a');
    b = await tenant('proj-b');
    const Bucket = a.bucket;
    await a.s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    encryptionBefore = (await a.s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration;
    plainEtag = (await a.s3.send(new PutObjectCommand({ Bucket, Key: 'plain.bin', Body: plainBytes }))).ETag;
    sseEtag = (await a.s3.send(new PutObjectCommand({ Bucket, Key: 'sse.bin', Body: sseBytes, ...sse }))).ETag;
    uploadId = (await a.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp.bin' }))).UploadId ?? '';
    partEtag = (await a.s3.send(new UploadPartCommand({ Bucket, Key: 'mp.bin', UploadId: uploadId, PartNumber: 1, Body: partBytes }))).ETag ?? '';
    // A second secret created without a payload: the one a PUT of a payload could fill.
    const empty = await call(server, `${server.keyManagerEndpoint}/secrets`, { method: 'POST', headers: { 'x-auth-token': a.session.token }, body: { name: 'proj-a-empty' } });
    assert.equal(empty.status, 201);
    emptySecretRef = empty.json<{ secret_ref: string }>().secret_ref;
    await b.s3.send(new PutObjectCommand({ Bucket: b.bucket, Key: 'b-own', Body: 'b data' }));
    bUploadId = (await b.s3.send(new CreateMultipartUploadCommand({ Bucket: b.bucket, Key: 'b-upload' }))).UploadId ?? '';
  });
  after(() => server?.stop());

  /** A request signed by B through the raw signer, for what the SDK does not send. */
  const rawAsB = async (method: string, path: string, query: Record<string, string> = {}, body?: string): Promise<Outcome> => {
    const reply = await rawRequest(b.asSigner, { method, path, query, body });
    return { status: reply.status, code: xmlCode(reply.body) };
  };
  /** A URL presigned by B, fetched with no credentials of its own. */
  const presignedAsB = async (method: string, path: string, body?: string): Promise<Outcome> => {
    const url = new URL(server.endpoint);
    const signed = await signer(b.asSigner, b.asSigner.secretKey).presign(new HttpRequest({
      method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path,
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }), { expiresIn: 300 });
    const target = new URL(`${server.endpoint}${path}?${new URLSearchParams(signed.query as Record<string, string>).toString()}`);
    return new Promise((resolve, reject) => {
      const req = request(target, { method, ca: server.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, code: xmlCode(Buffer.concat(chunks)) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  };
  /** A key-manager call with B's token; the body is never read into a message. */
  const keyManagerAsB = async (method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Outcome> => {
    const reply = await call(server, url, { method, headers: { 'x-auth-token': b.session.token, ...headers }, body });
    let code: string | undefined;
    try {
      code = reply.json<{ title?: string }>().title;
    } catch { /* not JSON: status only */ }
    return { status: reply.status, code };
  };

  const s3Rows = (): Row[] => {
    const A = a.bucket;
    const mp = { Bucket: A, Key: 'mp.bin', UploadId: uploadId };
    return [
      { name: 'HeadBucket', call: () => b.s3.send(new HeadBucketCommand({ Bucket: A })), expect: headDenied },
      { name: 'ListObjects (v1)', call: () => b.s3.send(new ListObjectsCommand({ Bucket: A })) },
      { name: 'ListObjectsV2', call: () => b.s3.send(new ListObjectsV2Command({ Bucket: A })) },
      { name: 'ListObjectVersions', call: () => b.s3.send(new ListObjectVersionsCommand({ Bucket: A })) },
      { name: 'ListMultipartUploads', call: () => b.s3.send(new ListMultipartUploadsCommand({ Bucket: A })) },
      { name: 'GetBucketLocation', call: () => b.s3.send(new GetBucketLocationCommand({ Bucket: A })) },
      { name: 'GetBucketVersioning', call: () => b.s3.send(new GetBucketVersioningCommand({ Bucket: A })) },
      { name: 'GetBucketAcl', call: () => b.s3.send(new GetBucketAclCommand({ Bucket: A })) },
      { name: 'GetBucketTagging', call: () => b.s3.send(new GetBucketTaggingCommand({ Bucket: A })) },
      { name: 'GetBucketCors', call: () => b.s3.send(new GetBucketCorsCommand({ Bucket: A })) },
      { name: 'GetBucketPolicy', call: () => b.s3.send(new GetBucketPolicyCommand({ Bucket: A })) },
      { name: 'GetBucketLifecycleConfiguration', call: () => b.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: A })) },
      { name: 'GetBucketWebsite', call: () => b.s3.send(new GetBucketWebsiteCommand({ Bucket: A })) },
      { name: 'GetBucketEncryption', call: () => b.s3.send(new GetBucketEncryptionCommand({ Bucket: A })) },
      {
        name: 'PutBucketEncryption (block SSE-C)',
        call: () => b.s3.send(new PutBucketEncryptionCommand({ Bucket: A, ServerSideEncryptionConfiguration: { Rules: [{
          ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }] } })),
      },
      { name: 'DeleteBucketEncryption', call: () => b.s3.send(new DeleteBucketEncryptionCommand({ Bucket: A })) },
      { name: 'DeleteBucket', call: () => b.s3.send(new DeleteBucketCommand({ Bucket: A })) },
      { name: 'CreateBucket (A\'s name)', call: () => b.s3.send(new CreateBucketCommand({ Bucket: A })), expect: { status: 409, code: 'BucketAlreadyExists' } },
      // The whole request refused, or every key refused in the result: both count as AccessDenied.
      {
        name: 'DeleteObjects (multi-delete XML)',
        call: async () => {
          const result = await b.s3.send(new DeleteObjectsCommand({ Bucket: A, Delete: { Objects: [{ Key: 'plain.bin' }, { Key: 'sse.bin' }] } }));
          const allDenied = (result.Deleted ?? []).length === 0 && (result.Errors ?? []).length === 2 && result.Errors!.every((e) => e.Code === 'AccessDenied');
          return allDenied ? denied : { status: 200, code: 'some keys deleted' };
        },
      },
      ...subresources.flatMap((sub): Row[] => [
        { name: `PUT bucket ?${sub} (not implemented)`, call: () => rawAsB('PUT', `/${A}`, { [sub]: '' }, '<x/>'), expect: notImplemented },
        { name: `DELETE bucket ?${sub} (not implemented)`, call: () => rawAsB('DELETE', `/${A}`, { [sub]: '' }), expect: notImplemented },
      ]),
      { name: 'PutObject (overwrite)', call: () => b.s3.send(new PutObjectCommand({ Bucket: A, Key: 'plain.bin', Body: 'overwritten' })) },
      { name: 'PutObject (new key)', call: () => b.s3.send(new PutObjectCommand({ Bucket: A, Key: 'planted', Body: 'planted' })) },
      { name: 'PutObject SSE-C (overwrite, right key)', call: () => b.s3.send(new PutObjectCommand({ Bucket: A, Key: 'sse.bin', Body: 'overwritten', ...sse })) },
      { name: 'GetObject (plain)', call: () => b.s3.send(new GetObjectCommand({ Bucket: A, Key: 'plain.bin' })) },
      { name: 'GetObject SSE-C (right key)', call: () => b.s3.send(new GetObjectCommand({ Bucket: A, Key: 'sse.bin', ...sse })) },
      { name: 'GetObject range', call: () => b.s3.send(new GetObjectCommand({ Bucket: A, Key: 'plain.bin', Range: 'bytes=0-9' })) },
      { name: 'GetObject SSE-C range (right key)', call: () => b.s3.send(new GetObjectCommand({ Bucket: A, Key: 'sse.bin', Range: 'bytes=65530-65545', ...sse })) },
      { name: 'GetObject partNumber=1', call: () => b.s3.send(new GetObjectCommand({ Bucket: A, Key: 'plain.bin', PartNumber: 1 })) },
      { name: 'GetObject (missing key: no existence oracle)', call: () => b.s3.send(new GetObjectCommand({ Bucket: A, Key: 'no-such-key' })) },
      { name: 'HeadObject (plain)', call: () => b.s3.send(new HeadObjectCommand({ Bucket: A, Key: 'plain.bin' })), expect: headDenied },
      { name: 'HeadObject SSE-C (right key)', call: () => b.s3.send(new HeadObjectCommand({ Bucket: A, Key: 'sse.bin', ...sse })), expect: headDenied },
      { name: 'GetObjectAttributes', call: () => b.s3.send(new GetObjectAttributesCommand({ Bucket: A, Key: 'plain.bin', ObjectAttributes: ['ETag', 'ObjectSize'] })) },
      { name: 'GetObjectAcl', call: () => b.s3.send(new GetObjectAclCommand({ Bucket: A, Key: 'plain.bin' })) },
      { name: 'GetObjectTagging', call: () => b.s3.send(new GetObjectTaggingCommand({ Bucket: A, Key: 'plain.bin' })) },
      { name: 'PUT object ?tagging (not implemented)', call: () => rawAsB('PUT', `/${A}/plain.bin`, { tagging: '' }, '<x/>'), expect: notImplemented },
      { name: 'PUT object ?acl (not implemented)', call: () => rawAsB('PUT', `/${A}/plain.bin`, { acl: '' }, '<x/>'), expect: notImplemented },
      { name: 'DeleteObject (plain)', call: () => b.s3.send(new DeleteObjectCommand({ Bucket: A, Key: 'plain.bin' })) },
      { name: 'DeleteObject (SSE-C)', call: () => b.s3.send(new DeleteObjectCommand({ Bucket: A, Key: 'sse.bin' })) },
      { name: 'CopyObject A → B (plain)', call: () => b.s3.send(new CopyObjectCommand({ Bucket: b.bucket, Key: 'stolen', CopySource: `${A}/plain.bin` })) },
      { name: 'CopyObject A → B (SSE-C, right source key)', call: () => b.s3.send(new CopyObjectCommand({ Bucket: b.bucket, Key: 'stolen-sse', CopySource: `${A}/sse.bin`, ...copySse })) },
      { name: 'CopyObject B → A (overwrite)', call: () => b.s3.send(new CopyObjectCommand({ Bucket: A, Key: 'plain.bin', CopySource: `${b.bucket}/b-own` })) },
      {
        name: 'CopyObject A → A (metadata replace in place)',
        call: () => b.s3.send(new CopyObjectCommand({ Bucket: A, Key: 'plain.bin', CopySource: `${A}/plain.bin`, MetadataDirective: 'REPLACE', Metadata: { by: 'b' } })),
      },
      { name: 'UploadPartCopy A\'s object → B\'s upload', call: () => b.s3.send(new UploadPartCopyCommand({ Bucket: b.bucket, Key: 'b-upload', UploadId: bUploadId, PartNumber: 1, CopySource: `${A}/plain.bin` })) },
      {
        name: 'UploadPartCopy A\'s SSE-C object (right source key) → B\'s upload',
        call: () => b.s3.send(new UploadPartCopyCommand({ Bucket: b.bucket, Key: 'b-upload', UploadId: bUploadId, PartNumber: 2, CopySource: `${A}/sse.bin`, ...copySse })),
      },
      { name: 'UploadPartCopy B\'s object → A\'s upload', call: () => b.s3.send(new UploadPartCopyCommand({ ...mp, PartNumber: 1, CopySource: `${b.bucket}/b-own` })) },
      { name: 'CreateMultipartUpload in A\'s bucket', call: () => b.s3.send(new CreateMultipartUploadCommand({ Bucket: A, Key: 'planted-upload' })) },
      { name: 'UploadPart on A\'s upload', call: () => b.s3.send(new UploadPartCommand({ ...mp, PartNumber: 1, Body: 'replaced part' })) },
      { name: 'ListParts on A\'s upload', call: () => b.s3.send(new ListPartsCommand(mp)) },
      { name: 'CompleteMultipartUpload on A\'s upload', call: () => b.s3.send(new CompleteMultipartUploadCommand({ ...mp, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: partEtag }] } })) },
      { name: 'AbortMultipartUpload on A\'s upload', call: () => b.s3.send(new AbortMultipartUploadCommand(mp)) },
      // A's upload id addressed through B's own bucket: the id alone opens nothing.
      { name: 'UploadPart, A\'s upload id via B\'s bucket', call: () => b.s3.send(new UploadPartCommand({ ...mp, Bucket: b.bucket, PartNumber: 1, Body: 'x' })), expect: noSuchUpload },
      { name: 'ListParts, A\'s upload id via B\'s bucket', call: () => b.s3.send(new ListPartsCommand({ ...mp, Bucket: b.bucket })), expect: noSuchUpload },
      { name: 'AbortMultipartUpload, A\'s upload id via B\'s bucket', call: () => b.s3.send(new AbortMultipartUploadCommand({ ...mp, Bucket: b.bucket })), expect: noSuchUpload },
      {
        name: 'CompleteMultipartUpload, A\'s upload id via B\'s bucket',
        call: () => b.s3.send(new CompleteMultipartUploadCommand({ ...mp, Bucket: b.bucket, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: partEtag }] } })),
        expect: noSuchUpload,
      },
      { name: 'presigned GET signed by B', call: () => presignedAsB('GET', `/${A}/plain.bin`) },
      { name: 'presigned PUT signed by B', call: () => presignedAsB('PUT', `/${A}/plain.bin`, 'overwritten') },
      { name: 'presigned DELETE signed by B', call: () => presignedAsB('DELETE', `/${A}/sse.bin`) },
    ];
  };

  const secretRows = (): Row[] => [
    { name: 'GET secret metadata', call: () => keyManagerAsB('GET', a.secretRef) },
    { name: 'GET secret metadata naming A\'s project in X-Project-Id', call: () => keyManagerAsB('GET', a.secretRef, { 'x-project-id': a.session.projectId }) },
    { name: 'GET secret with Accept text/plain (legacy payload)', call: () => keyManagerAsB('GET', a.secretRef, { accept: 'text/plain' }) },
    { name: 'GET secret payload (text/plain)', call: () => keyManagerAsB('GET', `${a.secretRef}/payload`, { accept: 'text/plain' }) },
    { name: 'GET secret payload (octet-stream)', call: () => keyManagerAsB('GET', `${a.secretRef}/payload`, { accept: 'application/octet-stream' }) },
    { name: 'PUT payload into A\'s payload-less secret', call: () => keyManagerAsB('PUT', emptySecretRef, { 'content-type': 'text/plain' }, 'planted payload') },
    { name: 'PUT payload over A\'s secret', call: () => keyManagerAsB('PUT', a.secretRef, { 'content-type': 'text/plain' }, 'planted payload') },
    { name: 'DELETE secret', call: () => keyManagerAsB('DELETE', a.secretRef) },
    { name: 'DELETE payload-less secret', call: () => keyManagerAsB('DELETE', emptySecretRef) },
  ].map((row) => ({ ...row, expect: secretNotFound }));

  async function runRows(t: TestContext, rows: Row[], fallback: Outcome) {
    for (const row of rows) {
      await t.test(row.name, async (st) => {
        const expected = row.expect ?? fallback;
        const got = await outcome(row.call);
        st.diagnostic(`${row.name}: ${got.status} ${got.code ?? ''}`);
        assert.equal(got.status, expected.status, `${row.name}: status`);
        if (expected.code !== undefined) assert.equal(got.code, expected.code, `${row.name}: code`);
      });
    }
  }

  it('S3: every routed operation on A\'s bucket, objects and upload is refused', async (t) => {
    await runRows(t, s3Rows(), denied);
  });

  it('key manager: every route on A\'s secrets is 404 for B', async (t) => {
    await runRows(t, secretRows(), secretNotFound);
  });

  it('B\'s listings show nothing of A: ListBuckets, its own bucket and upload, the secret list', async () => {
    assert.deepEqual((await b.s3.send(new ListBucketsCommand({}))).Buckets?.map((x) => x.Name), [b.bucket]);
    assert.deepEqual((await b.s3.send(new ListObjectsV2Command({ Bucket: b.bucket }))).Contents?.map((o) => o.Key), ['b-own']);
    assert.equal((await b.s3.send(new ListPartsCommand({ Bucket: b.bucket, Key: 'b-upload', UploadId: bUploadId }))).Parts?.length ?? 0, 0);
    assert.deepEqual((await b.s3.send(new ListMultipartUploadsCommand({ Bucket: b.bucket }))).Uploads?.map((u) => u.UploadId), [bUploadId]);
    const asB = { 'x-auth-token': b.session.token };
    const list = (await call(server, `${server.keyManagerEndpoint}/secrets`, { headers: asB })).json<{ secrets: { secret_ref: string }[]; total: number }>();
    assert.deepEqual(list.secrets.map((s) => s.secret_ref), [b.secretRef]);
    assert.equal(list.total, 1);
    for (const name of ['proj-a-key', 'proj-a-empty']) {
      const named = (await call(server, `${server.keyManagerEndpoint}/secrets?name=${name}`, { headers: asB })).json<{ total: number }>();
      assert.equal(named.total, 0, `B's list filtered by A's secret name ${name}`);
    }
  });

  it('afterwards A\'s objects, upload, part, bucket configuration and secrets are unchanged', async () => {
    const Bucket = a.bucket;
    const plain = await a.s3.send(new GetObjectCommand({ Bucket, Key: 'plain.bin' }));
    assert.ok(Buffer.from(await plain.Body!.transformToByteArray()).equals(plainBytes), 'plain object bytes unchanged');
    assert.equal(plain.ETag, plainEtag);
    assert.equal(plain.Metadata?.by, undefined);
    const encrypted = await a.s3.send(new GetObjectCommand({ Bucket, Key: 'sse.bin', ...sse }));
    assert.ok(Buffer.from(await encrypted.Body!.transformToByteArray()).equals(sseBytes), 'SSE-C object bytes unchanged');
    assert.equal(encrypted.ETag, sseEtag);
    assert.deepEqual((await a.s3.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((o) => o.Key), ['plain.bin', 'sse.bin']);
    assert.deepEqual((await a.s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads?.map((u) => [u.Key, u.UploadId]), [['mp.bin', uploadId]]);
    const parts = (await a.s3.send(new ListPartsCommand({ Bucket, Key: 'mp.bin', UploadId: uploadId }))).Parts ?? [];
    assert.deepEqual(parts.map((p) => [p.PartNumber, p.ETag, p.Size]), [[1, partEtag, partBytes.length]]);
    assert.deepEqual((await a.s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration, encryptionBefore);
    // The part's bytes: complete the upload as A and read the object back.
    await a.s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mp.bin', UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: partEtag }] } }));
    const assembled = await a.s3.send(new GetObjectCommand({ Bucket, Key: 'mp.bin' }));
    assert.ok(Buffer.from(await assembled.Body!.transformToByteArray()).equals(partBytes), 'multipart part bytes unchanged');

    const asA = { 'x-auth-token': a.session.token };
    const payload = await call(server, `${a.secretRef}/payload`, { headers: { ...asA, accept: 'text/plain' } });
    assert.equal(payload.status, 200);
    assert.ok(payload.body.toString('utf8') === secretPayload, 'A\'s secret payload unchanged'); // never printed
    const empty = await call(server, `${emptySecretRef}/payload`, { headers: { ...asA, accept: 'text/plain' } });
    assert.equal(empty.status, 404, 'A\'s payload-less secret still has no payload');
    const list = (await call(server, `${server.keyManagerEndpoint}/secrets`, { headers: asA })).json<{ secrets: { secret_ref: string }[] }>();
    assert.deepEqual(list.secrets.map((s) => s.secret_ref).sort(), [a.secretRef, emptySecretRef].sort());
  });
});

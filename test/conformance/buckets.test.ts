// Bucket operations through the AWS SDK against a real server: create, head, list, location, delete.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketCommand, GetBucketAclCommand, GetBucketLocationCommand, GetBucketVersioningCommand,
  GetBucketTaggingCommand, GetBucketCorsCommand, GetBucketPolicyCommand, GetBucketLifecycleConfigurationCommand,
  GetBucketWebsiteCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand,
  CreateMultipartUploadCommand, AbortMultipartUploadCommand, DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { sdkClient, uniqueBucket } from '../helpers/clients.ts';
import { errorCode } from '../helpers/errors.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('buckets', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it('creates, lists, heads and deletes a bucket', async () => {
    const s3 = sdkClient(server);
    const name = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const listed = await s3.send(new ListBucketsCommand({}));
    assert.ok(listed.Buckets?.some((b) => b.Name === name));
    assert.ok(listed.Owner?.ID);
    await s3.send(new HeadBucketCommand({ Bucket: name }));
    await s3.send(new DeleteBucketCommand({ Bucket: name }));
    assert.equal(await errorCode(s3.send(new HeadBucketCommand({ Bucket: name }))), 'NotFound');
  });

  it('answers BucketAlreadyOwnedByYou when the bucket exists', async () => {
    const s3 = sdkClient(server);
    const name = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    assert.equal(await errorCode(s3.send(new CreateBucketCommand({ Bucket: name }))), 'BucketAlreadyOwnedByYou');
  });

  it('enforces bucket naming rules', async () => {
    const s3 = sdkClient(server);
    for (const bad of ['ab', 'Upper-Case', 'a..b', '192.168.1.1', '-leading', 'x'.repeat(64)]) {
      assert.equal(await errorCode(s3.send(new CreateBucketCommand({ Bucket: bad }))), 'InvalidBucketName', bad);
    }
  });

  it('accepts a LocationConstraint for its region and refuses another', async () => {
    const s3 = sdkClient(server);
    const name = uniqueBucket();
    assert.equal(
      await errorCode(s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-west-3' } }))),
      'InvalidLocationConstraint',
    );
    assert.equal(await errorCode(s3.send(new GetBucketLocationCommand({ Bucket: name }))), 'NoSuchBucket');
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const found = await s3.send(new GetBucketLocationCommand({ Bucket: name }));
    assert.ok(!found.LocationConstraint);
  });

  it('refuses to delete a bucket holding objects or uploads', async () => {
    const s3 = sdkClient(server);
    const name = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: 'x' }));
    assert.equal(await errorCode(s3.send(new DeleteBucketCommand({ Bucket: name }))), 'BucketNotEmpty');
    await s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: 'u' }));
    assert.equal(await errorCode(s3.send(new DeleteBucketCommand({ Bucket: name }))), 'BucketNotEmpty');
    await s3.send(new AbortMultipartUploadCommand({ Bucket: name, Key: 'u', UploadId: upload.UploadId }));
    await s3.send(new DeleteBucketCommand({ Bucket: name }));
  });

  it('answers the probes of an unconfigured bucket as AWS does', async () => {
    const s3 = sdkClient(server);
    const name = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: name }));
    assert.equal(versioning.Status, undefined);
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: name }));
    assert.equal(acl.Grants?.[0]?.Permission, 'FULL_CONTROL');
    assert.equal(await errorCode(s3.send(new GetBucketTaggingCommand({ Bucket: name }))), 'NoSuchTagSet');
    assert.equal(await errorCode(s3.send(new GetBucketCorsCommand({ Bucket: name }))), 'NoSuchCORSConfiguration');
    assert.equal(await errorCode(s3.send(new GetBucketPolicyCommand({ Bucket: name }))), 'NoSuchBucketPolicy');
    assert.equal(await errorCode(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }))), 'NoSuchLifecycleConfiguration');
    assert.equal(await errorCode(s3.send(new GetBucketWebsiteCommand({ Bucket: name }))), 'NoSuchWebsiteConfiguration');
  });

  it('refuses a wrong secret key and an unknown access key', async () => {
    const wrongSecret = sdkClient(server, { secretKey: 'not-the-secret' });
    assert.equal(await errorCode(wrongSecret.send(new ListBucketsCommand({}))), 'SignatureDoesNotMatch');
    const unknown = sdkClient(server, { accessKey: 'NOSUCHKEY' });
    assert.equal(await errorCode(unknown.send(new ListBucketsCommand({}))), 'InvalidAccessKeyId');
  });
});

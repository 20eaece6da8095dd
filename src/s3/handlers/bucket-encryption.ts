// PutBucketEncryption / GetBucketEncryption / DeleteBucketEncryption, and the BlockedEncryptionTypes rule:
// a bucket that blocks SSE-C refuses SSE-C writes with 403 and still serves existing objects.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
import { S3Error } from '../../domain/errors.ts';
import type { Bucket } from '../../domain/model.ts';
import type { CustomerKey } from '../../domain/sse-c.ts';
import { requireBucketName, type S3Context } from '../context.ts';
import { emptyResponse, xmlResponse, type S3Response } from '../response.ts';
import { childArray, childObject, childText, childTextArray, parseXmlBody } from '../xml/parser.ts';
import { renderXmlDocument } from '../xml/writer.ts';

interface EncryptionConfig {
  sseAlgorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  kmsMasterKeyId?: string | undefined;
  bucketKeyEnabled?: boolean | undefined;
  blockedEncryptionTypes: string[];
}

function parseConfig(stored: string | undefined): EncryptionConfig | undefined {
  return stored === undefined ? undefined : (JSON.parse(stored) as EncryptionConfig);
}

export function assertEncryptionAllowed(bucket: Bucket, customerKey: CustomerKey | undefined): void {
  if (!customerKey) return;
  if (parseConfig(bucket.encryptionConfig)?.blockedEncryptionTypes.includes('SSE-C')) {
    throw new S3Error('AccessDenied', 'This bucket blocks SSE-C encrypted writes (BlockedEncryptionTypes).');
  }
}

export async function putBucketEncryption(ctx: S3Context): Promise<S3Response> {
  const name = requireBucketName(ctx);
  await ctx.services.buckets.require(name, ctx.principal);
  const document = childObject(parseXmlBody(await ctx.readControlBody(64 * 1024)), 'ServerSideEncryptionConfiguration');
  const rules = childArray(document, 'Rule');
  const rule = rules[0];
  if (!rule || rules.length > 1) throw new S3Error('MalformedXML');
  const defaults = rule['ApplyServerSideEncryptionByDefault'] === undefined ? undefined : childObject(rule, 'ApplyServerSideEncryptionByDefault');
  const sseAlgorithm = (defaults && childText(defaults, 'SSEAlgorithm')) ?? 'AES256';
  if (sseAlgorithm !== 'AES256' && sseAlgorithm !== 'aws:kms' && sseAlgorithm !== 'aws:kms:dsse') throw new S3Error('MalformedXML');
  const kmsMasterKeyId = defaults && childText(defaults, 'KMSMasterKeyID');
  if (kmsMasterKeyId !== undefined && sseAlgorithm === 'AES256') {
    throw new S3Error('InvalidArgument', 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms');
  }
  const types = rule['BlockedEncryptionTypes'] === undefined ? [] : childTextArray(childObject(rule, 'BlockedEncryptionTypes'), 'EncryptionType');
  for (const type of types) if (type !== 'SSE-C' && type !== 'NONE') throw new S3Error('MalformedXML');
  const config: EncryptionConfig = {
    sseAlgorithm, kmsMasterKeyId,
    bucketKeyEnabled: childText(rule, 'BucketKeyEnabled') === undefined ? undefined : childText(rule, 'BucketKeyEnabled') === 'true',
    blockedEncryptionTypes: types.filter((t) => t !== 'NONE'),
  };
  await ctx.services.buckets.setEncryption(name, ctx.principal, JSON.stringify(config));
  return emptyResponse(200);
}

export async function getBucketEncryption(ctx: S3Context): Promise<S3Response> {
  const name = requireBucketName(ctx);
  const config = parseConfig((await ctx.services.buckets.require(name, ctx.principal)).encryptionConfig);
  if (!config) throw new S3Error('ServerSideEncryptionConfigurationNotFoundError', undefined, { details: { BucketName: name } });
  const blocked = config.blockedEncryptionTypes.length ? config.blockedEncryptionTypes : ['NONE'];
  return xmlResponse(renderXmlDocument('ServerSideEncryptionConfiguration', {
    Rule: {
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: config.sseAlgorithm, KMSMasterKeyID: config.kmsMasterKeyId },
      BucketKeyEnabled: config.bucketKeyEnabled,
      BlockedEncryptionTypes: { EncryptionType: blocked },
    },
  }));
}

export async function deleteBucketEncryption(ctx: S3Context): Promise<S3Response> {
  await ctx.services.buckets.setEncryption(requireBucketName(ctx), ctx.principal, undefined);
  return emptyResponse(204);
}

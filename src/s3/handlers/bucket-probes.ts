// Answers to what clients probe on buckets they never configured, as an unconfigured AWS bucket
// answers: versioning without status, owner-only ACLs, and the "no such configuration" 404s.
import { S3Error, type S3ErrorCode } from '../../domain/errors.ts';
import { requireBucketName, type S3Context } from '../context.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { renderXmlDocument } from '../xml/writer.ts';
import { ownerOf } from './owner.ts';

export async function getBucketVersioning(ctx: S3Context): Promise<S3Response> {
  await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  return xmlResponse(renderXmlDocument('VersioningConfiguration', {}));
}

/** The owner-only ACL; the Grantee carries its xsi:type, which clients such as s3cmd require. */
export function aclDocument(ctx: S3Context): string {
  const owner = ownerOf(ctx.principal);
  return renderXmlDocument('AccessControlPolicy', {
    Owner: owner,
    AccessControlList: {
      Grant: { Grantee: { ID: owner.ID, DisplayName: owner.DisplayName }, Permission: 'FULL_CONTROL' },
    },
  }).replace('<Grantee>', '<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">');
}

export async function getBucketAcl(ctx: S3Context): Promise<S3Response> {
  await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  return xmlResponse(aclDocument(ctx));
}

function missingConfiguration(code: S3ErrorCode) {
  return async (ctx: S3Context): Promise<S3Response> => {
    const name = requireBucketName(ctx);
    await ctx.services.buckets.require(name, ctx.principal);
    throw new S3Error(code, undefined, { details: { BucketName: name } });
  };
}

export const getBucketTagging = missingConfiguration('NoSuchTagSet');
export const getBucketCors = missingConfiguration('NoSuchCORSConfiguration');
export const getBucketPolicy = missingConfiguration('NoSuchBucketPolicy');
export const getBucketLifecycleConfiguration = missingConfiguration('NoSuchLifecycleConfiguration');
export const getBucketWebsite = missingConfiguration('NoSuchWebsiteConfiguration');

export async function notImplemented(): Promise<S3Response> {
  throw new S3Error('NotImplemented');
}

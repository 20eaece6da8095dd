// The x-amz-copy-source header of CopyObject and UploadPartCopy, and reading the source it names.
import { S3Error } from '../../domain/errors.ts';
import type { ObjectRecord } from '../../domain/model.ts';
import { checkPreconditions } from '../../domain/preconditions.ts';
import { openDataKey } from '../../domain/sse-c.ts';
import type { Secret } from '../../util/secret.ts';
import { headerValue, type S3Context } from '../context.ts';
import { validateObjectKey } from '../request.ts';

export interface CopySource {
  record: ObjectRecord;
  dataKey: Secret | undefined;
}

export function parseCopySourceHeader(value: string): { bucket: string; key: string } {
  const [path = '', query = ''] = value.split('?', 2);
  const versionId = new URLSearchParams(query).get('versionId');
  // Buckets are unversioned: every object is version "null".
  if (versionId !== null && versionId !== 'null') throw new S3Error('InvalidArgument', 'Invalid version id specified');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.startsWith('/') ? path.slice(1) : path);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding');
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw new S3Error('InvalidArgument', 'Invalid copy source object key');
  const key = decoded.slice(slash + 1);
  validateObjectKey(key);
  return { bucket: decoded.slice(0, slash), key };
}

/** Finds the source, applies the copy-source SSE-C rules and `x-amz-copy-source-if-*` conditions. */
export async function openCopySource(ctx: S3Context): Promise<CopySource> {
  const header = headerValue(ctx.headers, 'x-amz-copy-source') ?? '';
  const { bucket: bucketName, key } = parseCopySourceHeader(header);
  const bucket = await ctx.services.buckets.require(bucketName, ctx.principal);
  const record = await ctx.services.objects.find(bucket, key);
  const dataKey = openDataKey(record, ctx.sse.source);
  checkPreconditions(
    {
      ifMatch: headerValue(ctx.headers, 'x-amz-copy-source-if-match'),
      ifNoneMatch: headerValue(ctx.headers, 'x-amz-copy-source-if-none-match'),
      ifModifiedSince: headerValue(ctx.headers, 'x-amz-copy-source-if-modified-since'),
      ifUnmodifiedSince: headerValue(ctx.headers, 'x-amz-copy-source-if-unmodified-since'),
    },
    record,
    false,
  );
  return { record, dataKey };
}

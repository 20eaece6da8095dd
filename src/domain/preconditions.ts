// Conditional request rules (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since) as AWS applies them.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (the precedence table under "Request Syntax").
import { S3Error } from './errors.ts';

export interface Preconditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
  ifUnmodifiedSince?: string | undefined;
}

function etagListMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((item) => item.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((item) => item === '*' || item === etag);
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Throws PreconditionFailed (412) or NotModified (304) when the conditions say so.
 * `readRequest` is false for copy sources, where a failed If-None-Match is a 412, not a 304.
 */
export function checkPreconditions(
  conditions: Preconditions,
  object: { etag: string; lastModified: Date },
  readRequest = true,
): void {
  // HTTP dates have one-second resolution; compare at that resolution.
  const modified = Math.floor(object.lastModified.getTime() / 1000) * 1000;
  if (conditions.ifMatch !== undefined) {
    if (!etagListMatches(conditions.ifMatch, object.etag)) throw new S3Error('PreconditionFailed');
  } else {
    const unmodifiedSince = parseHttpDate(conditions.ifUnmodifiedSince);
    if (unmodifiedSince !== undefined && modified > unmodifiedSince) throw new S3Error('PreconditionFailed');
  }
  const failure = readRequest ? 'NotModified' : 'PreconditionFailed';
  if (conditions.ifNoneMatch !== undefined) {
    if (etagListMatches(conditions.ifNoneMatch, object.etag)) throw new S3Error(failure);
  } else {
    const modifiedSince = parseHttpDate(conditions.ifModifiedSince);
    if (modifiedSince !== undefined && modified <= modifiedSince) throw new S3Error(failure);
  }
}

// Who is asking, and the rule that a bucket is usable only by users of the project that owns it.
import type { Secret } from '../util/secret.ts';
import { S3Error } from './errors.ts';
import type { Bucket } from './model.ts';

export interface Principal {
  userId: string;
  projectId: string;
  /** Display name rendered as Owner in listings and ACLs. */
  displayName: string;
}

export interface CredentialRecord {
  accessKeyId: string;
  secret: Secret;
  principal: Principal;
}

/** Port: resolves an access key to its secret and owner. */
export interface CredentialStore {
  lookup(accessKeyId: string): Promise<CredentialRecord | undefined>;
}

export function assertBucketAccess(bucket: Bucket, principal: Principal): void {
  if (bucket.projectId !== principal.projectId) throw new S3Error('AccessDenied');
}

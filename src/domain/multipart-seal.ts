// How an SSE-C multipart upload gets its manifest sealed at completion, when clients (aws, rclone,
// boto3) send CompleteMultipartUpload without the customer key: at initiation, while the key is
// present, the manifest-seal key is derived and kept sealed under the master key until completion.
import { deriveManifestKey, generateDataKey, sealManifestWithKey, wrapDataKey, type ObjectBinding } from '../crypto/index.ts';
import { openWithMasterKey, sealWithMasterKey } from '../crypto/master-seal.ts';
import type { Secret } from '../util/secret.ts';
import type { Segment } from './model.ts';
import { manifestOf, type CustomerKey } from './sse-c.ts';

const PURPOSE = 'upload-seal-key';

export function createUploadEncryption(customerKey: CustomerKey, binding: ObjectBinding, masterKey: Secret) {
  const dataKey = generateDataKey();
  const sealKey = deriveManifestKey(dataKey);
  try {
    return {
      mode: 'SSE-C' as const,
      wrappedKey: wrapDataKey(customerKey.key, dataKey, binding),
      sealKey: sealWithMasterKey(masterKey, PURPOSE, sealKey.reveal()),
    };
  } finally {
    sealKey.wipe();
    dataKey.wipe();
  }
}

export function openUploadSealKey(sealed: string, masterKey: Secret): Secret {
  return openWithMasterKey(masterKey, PURPOSE, sealed);
}

export function sealWithKey(sealKey: Secret, record: { size: number; etag: string; segments: Segment[] }): string {
  return sealManifestWithKey(sealKey, manifestOf(record));
}

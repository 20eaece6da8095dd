// SSE-C key material for tests: random keys and the header trio (or a deliberately broken one).
import { createHash, randomBytes } from 'node:crypto';

export const newKey = (): Buffer => randomBytes(32);

export function trio(key: Buffer, prefix = 'x-amz-server-side-encryption-customer-'): Record<string, string> {
  return {
    [`${prefix}algorithm`]: 'AES256',
    [`${prefix}key`]: key.toString('base64'),
    [`${prefix}key-md5`]: createHash('md5').update(key).digest('base64'),
  };
}

export const sourceTrio = (key: Buffer): Record<string, string> => trio(key, 'x-amz-copy-source-server-side-encryption-customer-');

/** The broken variants every SSE-C operation must refuse, with the code AWS gives. */
export function brokenTrios(key: Buffer): { name: string; headers: Record<string, string>; code: string }[] {
  const good = trio(key);
  const without = (name: string) => Object.fromEntries(Object.entries(good).filter(([h]) => !h.endsWith(name)));
  return [
    { name: 'bad MD5', headers: { ...good, 'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update('x').digest('base64') }, code: 'InvalidArgument' },
    { name: 'short key', headers: trio(randomBytes(31)), code: 'InvalidArgument' },
    { name: 'long key', headers: trio(randomBytes(33)), code: 'InvalidArgument' },
    { name: 'missing MD5', headers: without('-key-md5'), code: 'InvalidArgument' },
    { name: 'missing key', headers: without('-key'), code: 'InvalidArgument' },
    { name: 'missing algorithm', headers: without('-algorithm'), code: 'InvalidArgument' },
    { name: 'wrong algorithm', headers: { ...good, 'x-amz-server-side-encryption-customer-algorithm': 'AES128' }, code: 'InvalidEncryptionAlgorithmError' },
  ];
}

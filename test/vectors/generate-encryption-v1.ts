// Generates the known-answer vectors of format coffer-enc-v1 (encryption-v1.json), with fixed
// inputs and injected randomness. Run once; the file is then frozen and crypto-vectors.test.ts
// checks the code against it. Regenerating it (--force) means the stored format changed.
//   node --import tsx test/vectors/generate-encryption-v1.ts [--force]
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Secret } from '../../src/util/secret.ts';
import {
  createSegmentEncryptor,
  generateDataKey,
  sealManifest,
  wrapDataKey,
  type ObjectBinding,
} from '../../src/crypto/index.ts';
import { collect, patternPlaintext, scripted } from '../helpers/crypto-io.ts';

const target = fileURLToPath(new URL('./encryption-v1.json', import.meta.url));

/** Bytes start, start+1, … (mod 256): easy to retype in another language. */
const counting = (start: number, length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (start + i) & 0xff));

async function main(): Promise<void> {
  if (existsSync(target) && !process.argv.includes('--force')) {
    console.error(`${target} exists; the vectors are frozen. Use --force only for a new format.`);
    process.exit(1);
  }
  const customerKey = counting(0x00, 32);
  const dataKey = counting(0x20, 32);
  const kekSalt = counting(0x40, 32);
  const wrapNonce = counting(0x60, 12);
  // Non-ASCII key pins the UTF-8 encoding of the binding.
  const binding: ObjectBinding = { bucket: 'vectors', key: 'dir/objet ✓.bin', versionId: '01J9Z3K4V7Q0000000000000AB' };
  const segmentsIn = [
    { partNumber: 1, plainSize: 65536 + 37, salt: counting(0x80, 16) }, // two chunks, short final
    { partNumber: 2, plainSize: 33, salt: counting(0x90, 16) }, // one short chunk
    { partNumber: 3, plainSize: 0, salt: counting(0xa0, 16) }, // empty: a bare tag
  ];
  const etag = 'c0ffee00c0ffee00c0ffee00c0ffee00-3';

  const dek = generateDataKey({ random: scripted(dataKey) });
  const wrappedKey = wrapDataKey(new Secret(customerKey), dek, binding, { random: scripted(kekSalt, wrapNonce) });
  const segments = [];
  for (const s of segmentsIn) {
    const cipher = await collect(createSegmentEncryptor(dek, s), patternPlaintext(s.partNumber, s.plainSize));
    segments.push({ partNumber: s.partNumber, plainSize: s.plainSize, salt: s.salt.toString('hex'), ciphertext: cipher.toString('hex') });
  }
  const plainSize = segmentsIn.reduce((a, s) => a + s.plainSize, 0);
  const seal = sealManifest(dek, { plainSize, etag, segments: segmentsIn });

  const vectors = {
    format: 'coffer-enc-v1',
    spec: 'docs/design/encryption.md',
    note: 'Frozen known-answer vectors. Plaintext of a segment: byte i = (i*31 + partNumber) mod 256.',
    inputs: {
      customerKey: customerKey.toString('hex'),
      dataKey: dataKey.toString('hex'),
      kekSalt: kekSalt.toString('hex'),
      wrapNonce: wrapNonce.toString('hex'),
      binding,
      etag,
    },
    wrappedKey,
    segments,
    manifest: { plainSize, etag, seal },
  };
  writeFileSync(target, `${JSON.stringify(vectors, null, 2)}\n`);
  console.log(`wrote ${target}`);
}

await main();

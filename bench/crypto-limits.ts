// One core of node:crypto (AES-256-GCM as Coffer seals chunks, MD5, SHA-256), measured in a
// process of its own: run as a script, it prints the three rates as JSON.
//
// Every cipher.update() returns a fresh 64 KiB buffer. In a process that does nothing else, glibc
// hands the freed buffers back to the kernel after each garbage collection (the heap top is trimmed)
// and the next ones fault their pages in again: on the development VM that held AES-GCM at
// 750-1,400 MiB/s with 14-69 page faults per MiB, against ~1,800-2,500 MiB/s and none when the
// heap is kept (a long-running server keeps it: 0-5 faults per MiB on its SSE-C paths). The
// parent runs this script with glibc's trim threshold raised, so the figure is the cipher's rate.
import { createCipheriv, createHash, createSecretKey, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mibps, now } from './figures.ts';

const CHUNK = 64 * 1024;
/** Windows a one-core figure is split into; the figure is the fastest window. */
const CORE_WINDOWS = 5;
const KEEP_HEAP = 'glibc.malloc.trim_threshold=1073741824';

export interface CryptoRates {
  aes: number;
  md5: number;
  sha256: number;
}

/**
 * What one core does with `work` on 64 KiB slices, as the fastest of CORE_WINDOWS equal windows: a
 * limit is the best the machine can do, and a single window in a slow spell of the host once gave
 * AES-GCM at a third of its usual rate.
 */
function oneCore(seconds: number, work: (chunk: Buffer) => void): number {
  const block = randomBytes(1024 * 1024);
  const slices = Array.from({ length: block.length / CHUNK }, (_, i) => block.subarray(i * CHUNK, (i + 1) * CHUNK));
  let best = 0;
  for (let window = 0; window < CORE_WINDOWS; window++) {
    let bytes = 0;
    const t0 = now();
    while (now() - t0 < (seconds * 1000) / CORE_WINDOWS) {
      for (const slice of slices) work(slice);
      bytes += block.length;
    }
    best = Math.max(best, mibps(bytes, now() - t0));
  }
  return best;
}

function measureHere(seconds: number): CryptoRates {
  // As Coffer does: a key object, a new cipher per 64 KiB chunk, counter nonce, 16-byte tag.
  const key = createSecretKey(randomBytes(32));
  const nonce = Buffer.alloc(12);
  let counter = 0;
  const aes = oneCore(seconds, (chunk) => {
    nonce.writeUInt32BE(counter++, 8);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
    cipher.update(chunk);
    cipher.final();
    cipher.getAuthTag();
  });
  const hashRate = (algorithm: 'md5' | 'sha256'): number => {
    // One running hash over the stream, as an ETag or payload hash is computed.
    let hash = createHash(algorithm);
    let fed = 0;
    return oneCore(seconds, (chunk) => {
      hash.update(chunk);
      if (++fed % 16384 === 0) {
        hash.digest();
        hash = createHash(algorithm);
      }
    });
  };
  return { aes, md5: hashRate('md5'), sha256: hashRate('sha256') };
}

/** Runs this file in a child process whose heap glibc keeps, and returns its rates. */
export function measureCryptoRates(seconds: number): CryptoRates {
  const tunables = [process.env.GLIBC_TUNABLES, KEEP_HEAP].filter(Boolean).join(':');
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(seconds)], {
    env: { ...process.env, GLIBC_TUNABLES: tunables },
    encoding: 'utf8',
    timeout: 60_000 + seconds * 3 * 1000,
  });
  return JSON.parse(out) as CryptoRates;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(measureHere(Number(process.argv[2] ?? 1))));
}

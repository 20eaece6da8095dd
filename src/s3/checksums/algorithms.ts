// The S3 flexible-checksum algorithms behind one incremental Checksummer interface, plus header names and value checks.
//
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html: values travel as the
// base64 of the big-endian digest. CRC32 is zlib's (Node >= 20.15), CRC32C the native @node-rs/crc32,
// CRC64NVME hash-wasm's CRC64 with the NVMe polynomial (research/ecosystem.md §4 for the measurements).
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { createCRC64 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** Raw digest length in bytes, used to validate base64 values before any data is read. */
export const DIGEST_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

export interface Checksummer {
  update(chunk: Buffer): void;
  /** Final value; further calls return the same value, update() afterwards throws. */
  digestBase64(): string;
}

/** 'x-amz-checksum-crc32' etc. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** Case-insensitive algorithm name ('crc32' → 'CRC32'), or undefined if it is not one S3 defines. */
export function parseChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const upper = name.trim().toUpperCase();
  return CHECKSUM_ALGORITHMS.find((a) => a === upper);
}

/** True if `value` is canonical base64 of exactly `bytes` bytes (Buffer.from(…,'base64') alone is too lenient). */
export function isBase64Digest(value: string, bytes: number): boolean {
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes && decoded.toString('base64') === value;
}

const CRC64NVME_POLYNOMIAL = '9a6c9329ac4bc9b5';

/**
 * hash-wasm's constructors are async and each instantiates a WebAssembly module, but a CRC64 state is only
 * 12 bytes. So one instance serves the whole process: each checksummer keeps its own saved state and loads
 * it around every update (synchronous, so no other checksummer can interleave).
 */
let crc64Shared: Promise<{ hasher: IHasher; initial: Uint8Array }> | undefined;

function crc64Instance(): Promise<{ hasher: IHasher; initial: Uint8Array }> {
  crc64Shared ??= createCRC64(CRC64NVME_POLYNOMIAL).then((hasher) => ({ hasher, initial: hasher.init().save() }));
  return crc64Shared;
}

abstract class BaseChecksummer implements Checksummer {
  #result: string | undefined;

  update(chunk: Buffer): void {
    if (this.#result !== undefined) throw new Error('Checksummer.update() after digestBase64()');
    this.add(chunk);
  }

  digestBase64(): string {
    this.#result ??= this.finish().toString('base64');
    return this.#result;
  }

  protected abstract add(chunk: Buffer): void;
  protected abstract finish(): Buffer;
}

class Crc32Family extends BaseChecksummer {
  readonly #fn: (data: Buffer, previous: number) => number;
  #value = 0;

  constructor(fn: (data: Buffer, previous: number) => number) {
    super();
    this.#fn = fn;
  }

  protected add(chunk: Buffer): void {
    this.#value = this.#fn(chunk, this.#value);
  }

  protected finish(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.#value >>> 0);
    return out;
  }
}

class Crc64Nvme extends BaseChecksummer {
  readonly #hasher: IHasher;
  #state: Uint8Array;

  constructor(hasher: IHasher, initial: Uint8Array) {
    super();
    this.#hasher = hasher;
    this.#state = initial;
  }

  protected add(chunk: Buffer): void {
    this.#state = this.#hasher.load(this.#state).update(chunk).save();
  }

  protected finish(): Buffer {
    return Buffer.from(this.#hasher.load(this.#state).digest('binary'));
  }
}

class NodeHash extends BaseChecksummer {
  readonly #hash: Hash;

  constructor(name: 'md5' | 'sha1' | 'sha256') {
    super();
    this.#hash = createHash(name);
  }

  protected add(chunk: Buffer): void {
    this.#hash.update(chunk);
  }

  protected finish(): Buffer {
    return this.#hash.digest();
  }
}

export async function createChecksummer(algorithm: ChecksumAlgorithm): Promise<Checksummer> {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Family((data, previous) => crc32(data, previous));
    case 'CRC32C':
      return new Crc32Family((data, previous) => crc32c(data, previous));
    case 'CRC64NVME': {
      const { hasher, initial } = await crc64Instance();
      return new Crc64Nvme(hasher, initial);
    }
    case 'SHA1':
      return new NodeHash('sha1');
    case 'SHA256':
      return new NodeHash('sha256');
  }
}

/** MD5, for Content-MD5 and the ETag of plain objects. Synchronous: node:crypto needs no set-up. */
export function createMd5(): Checksummer & { digestHex(): string } {
  const hasher = new NodeHash('md5');
  return Object.assign(hasher, {
    digestHex: () => Buffer.from(hasher.digestBase64(), 'base64').toString('hex'),
  });
}

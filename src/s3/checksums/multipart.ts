// Whole-object checksums of multipart uploads: COMPOSITE (checksum of the part checksums, "-N") and FULL_OBJECT (CRCs combined).
//
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#ChecksumTypes:
// COMPOSITE is allowed for CRC32, CRC32C, SHA1, SHA256; FULL_OBJECT for the CRC family only, and CRC64NVME
// supports FULL_OBJECT only. Full-object CRCs are derived from the part CRCs and lengths with the GF(2)
// combination zlib uses in crc32_combine (all three CRCs are reflected, with init = xorout = all ones),
// so no part is ever read again.
import { S3Error } from '../../domain/errors.ts';
import { createChecksummer, DIGEST_BYTES, isBase64Digest } from './algorithms.ts';
import type { ChecksumAlgorithm } from './algorithms.ts';

function decodePart(algorithm: ChecksumAlgorithm, base64: string): Buffer {
  // Part checksums come from our own metadata; a malformed one is a bug, so a plain Error (→ InternalError).
  if (!isBase64Digest(base64, DIGEST_BYTES[algorithm])) throw new Error(`malformed stored ${algorithm} part checksum`);
  return Buffer.from(base64, 'base64');
}

/** COMPOSITE: base64(checksum(raw part digests concatenated)) + "-" + number of parts. */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: readonly string[]): Promise<string> {
  if (algorithm === 'CRC64NVME') {
    throw new S3Error('InvalidRequest', 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
  }
  const summer = await createChecksummer(algorithm);
  for (const part of partChecksums) summer.update(decodePart(algorithm, part));
  return `${summer.digestBase64()}-${partChecksums.length}`;
}

interface CrcShape {
  width: number;
  /** Reflected polynomial. */
  poly: bigint;
}

const CRC_SHAPES: Partial<Record<ChecksumAlgorithm, CrcShape>> = {
  CRC32: { width: 32, poly: 0xedb88320n },
  CRC32C: { width: 32, poly: 0x82f63b78n },
  CRC64NVME: { width: 64, poly: 0x9a6c9329ac4bc9b5n },
};

/** a(x)·b(x) mod p(x), both reflected (the top bit is x^0), as zlib's multmodp. */
function multModP(a: bigint, b: bigint, shape: CrcShape): bigint {
  let m = 1n << BigInt(shape.width - 1);
  let product = 0n;
  let bb = b;
  while (m !== 0n) {
    if ((a & m) !== 0n) {
      product ^= bb;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    bb = (bb & 1n) !== 0n ? (bb >> 1n) ^ shape.poly : bb >> 1n;
  }
  return product;
}

/** x^(8·n) mod p: the operator that appends n zero bytes to a CRC register. */
function appendZerosOperator(bytes: bigint, shape: CrcShape): bigint {
  const top = 1n << BigInt(shape.width - 1);
  let power = top >> 1n; // x^1
  let result = top; // x^0
  let n = bytes * 8n;
  while (n > 0n) {
    if ((n & 1n) !== 0n) result = multModP(power, result, shape);
    power = multModP(power, power, shape); // x^(2^(k+1))
    n >>= 1n;
  }
  return result;
}

function readBigEndian(bytes: Buffer): bigint {
  return BigInt(`0x${bytes.toString('hex')}`);
}

/** CRC of A‖B from CRC(A), CRC(B) and the length of B. */
export function combineCrc(algorithm: ChecksumAlgorithm, crcA: bigint, crcB: bigint, lengthB: number): bigint {
  const shape = CRC_SHAPES[algorithm];
  if (shape === undefined) throw new Error(`${algorithm} is not a CRC`);
  return multModP(appendZerosOperator(BigInt(lengthB), shape), crcA, shape) ^ crcB;
}

/** FULL_OBJECT: the CRC of the whole object from each part's CRC (base64) and size, in part order. */
export function fullObjectChecksum(
  algorithm: ChecksumAlgorithm,
  parts: readonly { checksum: string; size: number }[],
): string {
  const shape = CRC_SHAPES[algorithm];
  if (shape === undefined) {
    throw new S3Error('InvalidRequest', `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  // Parts mostly share one size; caching the operator keeps 10,000 parts at ~10,000 multiplications
  // instead of ~1 s of BigInt work on the event loop.
  const operators = new Map<number, bigint>();
  let crc = 0n; // the CRC of zero bytes is 0 for all three algorithms
  for (const part of parts) {
    let operator = operators.get(part.size);
    if (operator === undefined) {
      operator = appendZerosOperator(BigInt(part.size), shape);
      operators.set(part.size, operator);
    }
    crc = multModP(operator, crc, shape) ^ readBigEndian(decodePart(algorithm, part.checksum));
  }
  const out = Buffer.from(crc.toString(16).padStart(shape.width / 4, '0'), 'hex');
  return out.toString('base64');
}

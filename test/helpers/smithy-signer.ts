// @smithy/signature-v4 set up as an S3 client signs: the oracle of the SigV4 unit tests and the signer of raw test requests.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const toBytes = (data: SourceData): string | Buffer =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/** smithy's Checksum interface over node:crypto: SHA-256, or HMAC-SHA256 when given a secret. */
export class NodeSha256 {
  readonly #secret: string | Buffer | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : toBytes(secret);
    this.#hash = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
  update(data: SourceData): void { this.#hash.update(toBytes(data)); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.#hash.digest()); }
  reset(): void { this.#hash = this.#fresh(); }
}

/**
 * A signer for service s3: paths are signed as given (S3 does not double-encode them) and no
 * checksum header is added, so the request signed is exactly the one the test builds.
 */
export function s3Signer(region: string, accessKeyId: string, secretAccessKey: string): SignatureV4 {
  return new SignatureV4({
    service: 's3', region, credentials: { accessKeyId, secretAccessKey },
    sha256: NodeSha256, uriEscapePath: false, applyChecksum: false,
  });
}

/** Strict RFC 3986 encoding, as the AWS SDKs put names and values on the wire. */
export const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

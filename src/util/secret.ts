// A wrapper for secret bytes (customer keys, secret access keys, master keys) that refuses to be
// logged or serialised and is compared in constant time.
import { timingSafeEqual, createHash } from 'node:crypto';
import { inspect } from 'node:util';

const REDACTED = '[secret]';

export class Secret {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    this.#bytes = Buffer.from(bytes);
  }

  static fromString(value: string): Secret {
    return new Secret(Buffer.from(value, 'utf8'));
  }

  /** The raw bytes, for the one place that needs them (a KDF, an HMAC). Do not keep the result. */
  reveal(): Buffer {
    return this.#bytes;
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** Constant-time equality (lengths are compared through a fixed-size digest first). */
  equals(other: Secret | Buffer): boolean {
    const otherBytes = other instanceof Secret ? other.reveal() : other;
    const a = createHash('sha256').update(this.#bytes).digest();
    const b = createHash('sha256').update(otherBytes).digest();
    return timingSafeEqual(a, b);
  }

  /** Overwrites the bytes; the Secret is unusable afterwards. */
  wipe(): void {
    this.#bytes.fill(0);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

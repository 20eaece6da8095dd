// SigV4 URI encoding: decode what the client sent, re-encode it canonically, so clients that escape differently still verify.
//
// The rules are those of "Create a canonical request" in the IAM user guide
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): every byte except the
// unreserved set A-Z a-z 0-9 - . _ ~ becomes %XX with upper-case hex. S3 is the one service that does NOT
// double-encode the path and does not remove `.`/`..` segments, so the path is decoded once and encoded once.
// Decoding works on bytes, so a key that is not valid UTF-8 still round-trips exactly.

const HEX_UPPER = '0123456789ABCDEF';

/** ENCODED[b] is the canonical text for byte b. */
const ENCODED: readonly string[] = Array.from({ length: 256 }, (_, b) => {
  const isUnreserved =
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e; // - . _ ~
  return isUnreserved ? String.fromCharCode(b) : `%${HEX_UPPER[b >> 4]}${HEX_UPPER[b & 15]}`;
});

const ALREADY_CANONICAL = /^[A-Za-z0-9\-._~/]*$/;

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * Percent-decodes to bytes. A `%` not followed by two hex digits is kept as a literal `%` (re-encoded as
 * `%25`) rather than rejected: the router decides whether such a path is acceptable, not the verifier.
 * `plusAsSpace` applies form decoding to query strings, as S3 does (a client meaning `+` sends `%2B`).
 */
export function percentDecode(text: string, plusAsSpace: boolean): Buffer {
  const input = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i] as number;
    if (b === 0x25) {
      const hi = hexValue(input[i + 1]);
      const lo = hexValue(input[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusAsSpace && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, n);
}

/** SigV4 URI-encodes bytes (`/` included: callers split paths into segments first). */
export function uriEncode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += ENCODED[b];
  return out;
}

/** Canonical URI for S3: each `/`-separated segment decoded once and re-encoded; no dot-segment removal. */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  // Unreserved characters and '/' alone decode and encode to themselves (~2 µs per request saved).
  if (ALREADY_CANONICAL.test(rawPath)) return rawPath;
  return rawPath
    .split('/')
    .map((segment) => uriEncode(percentDecode(segment, false)))
    .join('/');
}

export interface QueryParam {
  /** Decoded name and value, as UTF-8 text (for reading X-Amz-* parameters). */
  name: string;
  value: string;
  /** Canonically re-encoded name and value (for the canonical query string). */
  encodedName: string;
  encodedValue: string;
}

/** Splits a raw query string (no `?`) into parameters; empty pieces (`a&&b`, trailing `&`) are dropped. */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const nameBytes = percentDecode(eq < 0 ? piece : piece.slice(0, eq), true);
    const valueBytes = percentDecode(eq < 0 ? '' : piece.slice(eq + 1), true);
    params.push({
      name: nameBytes.toString('utf8'),
      value: valueBytes.toString('utf8'),
      encodedName: uriEncode(nameBytes),
      encodedValue: uriEncode(valueBytes),
    });
  }
  return params;
}

/**
 * Canonical query string: encoded names sorted by code point, then by value (SigV4 sorts duplicate names by
 * value), `name=value` joined by `&`, a name without `=` gets an empty value. `exclude` drops one parameter
 * by decoded name (X-Amz-Signature for presigned URLs).
 */
export function canonicalQuery(params: readonly QueryParam[], exclude?: string): string {
  return params
    .filter((p) => p.name !== exclude)
    .map((p) => [p.encodedName, p.encodedValue] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}

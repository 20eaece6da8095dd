// Query parameters shared by the listing operations: max-keys, encoding-type=url.
import { S3Error } from '../../domain/errors.ts';

export function parseMaxKeys(query: URLSearchParams, name = 'max-keys'): number {
  const text = query.get(name);
  if (text === null) return 1000;
  if (!/^\d+$/.test(text)) throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`);
  return Math.min(Number(text), 1000);
}

/** encoding-type=url: keys percent-encoded (`+` as %2B) so clients decode them unambiguously; '/' kept. */
export function keyEncoder(query: URLSearchParams): (text: string) => string {
  const type = query.get('encoding-type');
  if (type === null) return (text) => text;
  if (type !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request');
  return (text) => encodeURIComponent(text).replace(/%2F/g, '/');
}

export const encodeToken = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/** A continuation token is the next key in base64url: public, compared as plain text. */
export function decodeToken(continuation: string): string {
  const key = Buffer.from(continuation, 'base64url').toString('utf8');
  if (continuation === '' || encodeToken(key) !== continuation) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect');
  return key;
}

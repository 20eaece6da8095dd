// The Range header of GetObject: `bytes=a-b`, `bytes=a-`, `bytes=-n`, as RFC 9110 and AWS read it.
import { S3Error } from '../domain/errors.ts';
import type { ByteRange } from '../domain/ports.ts';

/**
 * The satisfiable range, undefined when the header is absent or not a single byte range
 * (AWS then serves the whole object), InvalidRange (416) when it cannot be satisfied.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const unsatisfiable = () =>
    new S3Error('InvalidRange', undefined, {
      headers: { 'content-range': `bytes */${size}` },
      details: { RangeRequested: header, ActualObjectSize: String(size) },
    });
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), endInclusive: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, endInclusive: end };
}

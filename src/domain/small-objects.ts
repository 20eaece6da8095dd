// Small objects are kept inline in their metadata row: creating and fsyncing a file per object
// costs more than the object itself. A body is read up to the limit; if it ends there, it is
// inline; otherwise what was read and the rest continue, as one stream, into a blob.
import { Readable } from 'node:stream';

/** Stored bytes at most this large are kept inline (fits an SSE-C object of 64 KiB plaintext). */
export const INLINE_LIMIT = 128 * 1024;

export type SpoolResult = { inline: Buffer } | { stream: Readable };

export async function spoolSmall(source: Readable, limit = INLINE_LIMIT): Promise<SpoolResult> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { inline: Buffer.concat(head, size) };
    head.push(next.value);
    size += next.value.length;
    if (size > limit) break;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head;
    head.length = 0;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { stream: Readable.from(rest(), { objectMode: false }) };
}

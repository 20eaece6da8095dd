// Batch buffers for messages to the offload threads. Bytes are copied into one of these and its
// ArrayBuffer is transferred (moved) to the thread, which hands it back with the reply; keeping a
// few for reuse spares a 1 MiB allocation per message.
import { Buffer } from 'node:buffer';
import { CHUNK_CIPHER_SIZE } from '../format.ts';

/** Chunks per message: ~1 MiB, big enough that a message costs nothing next to its crypto. */
export const BATCH_CHUNKS = 16;
/** Capacity of a batch buffer: 16 ciphertext chunks (also holds 16 plaintext chunks, or 1 MiB). */
export const BATCH_BYTES = BATCH_CHUNKS * CHUNK_CIPHER_SIZE;
// 4 idle buffers (4 MiB) cover a couple of busy streams; more are allocated under load and dropped
// after, so a burst of parallel uploads does not stay resident.
const MAX_IDLE = 4;
const idle: ArrayBuffer[] = [];

export function takeBatchBuffer(): ArrayBuffer {
  return idle.pop() ?? new ArrayBuffer(BATCH_BYTES);
}

/** Returns a buffer a reply brought back (detached or foreign ones are simply dropped). */
export function returnBatchBuffer(buffer: ArrayBuffer | undefined): void {
  if (buffer !== undefined && buffer.byteLength === BATCH_BYTES && idle.length < MAX_IDLE) idle.push(buffer);
}

/** Copies slices into a fresh batch buffer; returns it with the number of bytes written. */
export function gather(slices: Buffer[]): { data: ArrayBuffer; length: number } {
  const data = takeBatchBuffer();
  const view = Buffer.from(data);
  let length = 0;
  for (const slice of slices) length += slice.copy(view, length);
  return { data, length };
}

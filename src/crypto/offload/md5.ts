// MD5 of a large body computed on an offload thread. Bytes are copied into ~1 MiB batches (one
// message each, instead of one per TLS record); at most ~2 MiB are in flight per body (one batch
// being hashed, one waiting), so memory stays flat whatever the size and however many bodies
// arrive at once (`aws s3 cp` sends 10 parts together): update() hands back a promise when the
// caller must wait.
import { Buffer } from 'node:buffer';
import { BATCH_BYTES, returnBatchBuffer, takeBatchBuffer } from './buffers.ts';
import { offloadPool, type Lane } from './pool.ts';

const MAX_IN_FLIGHT = 2 * 1024 * 1024;
/**
 * Bodies hashed on the threads at once; the next ones hash inline. Each holds up to ~3 MiB of
 * batches, and with ten parts at once (`aws s3 cp`) that was ~20-25 MiB of the server's peak for
 * no speed: the client, not the event loop, sets the pace there (dev VM: peak 157-163 MiB with
 * every part offloaded, 137-141 with none).
 */
const MAX_OFFLOADED_BODIES = 4;
let streams = 0;
let offloadedBodies = 0;

export class OffloadedMd5 {
  // One thread keeps this stream's MD5 state; its port delivers the batches in order.
  readonly #lane: Lane;
  readonly #stream = ++streams;
  #batch: Buffer | undefined;
  #filled = 0;
  #inFlight = 0;
  #waiters: Array<{ resolve(): void; reject(error: unknown): void }> = [];
  #error: unknown;
  #finished = false;

  constructor(lane: Lane) {
    this.#lane = lane;
    offloadedBodies++;
  }

  /** Bytes sent to the thread and not yet hashed there. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Adds bytes (copied: `chunk` may be reused at once). A promise means: wait before more. */
  update(chunk: Buffer): Promise<void> | undefined {
    this.#check();
    let at = 0;
    while (at < chunk.length) {
      this.#batch ??= Buffer.from(takeBatchBuffer());
      const copied = chunk.copy(this.#batch, this.#filled, at);
      this.#filled += copied;
      at += copied;
      if (this.#filled === BATCH_BYTES) this.#send();
    }
    if (this.#inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** The MD5 of everything added; the thread forgets the stream afterwards. */
  async digest(): Promise<Buffer> {
    this.#check();
    if (this.#filled > 0) this.#send();
    this.#finish();
    const reply = await this.#lane.request({ op: 'md5-digest', stream: this.#stream });
    if (reply.digest === undefined) throw new Error('offload worker sent no digest');
    return Buffer.from(reply.digest);
  }

  /** For a body abandoned half way: frees the thread's state. */
  dispose(): void {
    if (this.#finished) return;
    this.#finish();
    this.#lane.request({ op: 'md5-drop', stream: this.#stream }).catch(() => undefined);
  }

  #finish(): void {
    this.#finished = true;
    offloadedBodies--;
  }

  #send(): void {
    const batch = this.#batch as Buffer;
    const length = this.#filled;
    this.#batch = undefined;
    this.#filled = 0;
    this.#inFlight += length;
    const data = batch.buffer as ArrayBuffer;
    this.#lane.request({ op: 'md5-update', stream: this.#stream, data, length }, [data]).then(
      (reply) => {
        returnBatchBuffer(reply.data);
        this.#inFlight -= length;
        if (this.#inFlight < MAX_IN_FLIGHT) this.#wake();
      },
      (error: unknown) => {
        this.#error ??= error;
        this.#wake();
      },
    );
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) (this.#error === undefined ? w.resolve() : w.reject(this.#error));
  }

  #check(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#finished) throw new Error('OffloadedMd5 used after digest()');
  }
}

/** An offloaded MD5, or undefined when offloading is switched off or busy (hash inline then). */
export function createOffloadedMd5(): OffloadedMd5 | undefined {
  const pool = offloadPool();
  return pool === undefined || offloadedBodies >= MAX_OFFLOADED_BODIES ? undefined : new OffloadedMd5(pool.lane());
}

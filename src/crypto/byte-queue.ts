// A FIFO of byte pieces from which fixed-size runs are taken without joining the pieces, so a
// stream of many tiny writes costs O(n) overall instead of the O(n²) of repeated Buffer.concat.
import { Buffer } from 'node:buffer';

// Past this many slices per run, one join (a single 64 KiB copy) is cheaper than a cipher call
// per slice; below it, calling the cipher per slice avoids the copy altogether.
const MAX_SLICES_PER_RUN = 8;

export class ByteQueue {
  #pieces: Buffer[] = [];
  #head = 0;
  #length = 0;

  /** Bytes queued and not yet taken. */
  get length(): number {
    return this.#length;
  }

  push(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#pieces.push(piece);
    this.#length += piece.length;
  }

  /**
   * Removes the next `n` bytes and returns them as views (no copy) into the queued pieces. The
   * views stay valid because pieces are never modified, only dropped from the queue.
   */
  take(n: number): Buffer[] {
    if (n > this.#length) throw new RangeError('not enough queued bytes');
    const out: Buffer[] = [];
    let wanted = n;
    while (wanted > 0) {
      const piece = this.#pieces[this.#head];
      if (piece === undefined) throw new RangeError('queue length out of sync');
      if (piece.length <= wanted) {
        out.push(piece);
        wanted -= piece.length;
        this.#pieces[this.#head] = EMPTY;
        this.#head += 1;
      } else {
        out.push(piece.subarray(0, wanted));
        this.#pieces[this.#head] = piece.subarray(wanted);
        wanted = 0;
      }
    }
    this.#length -= n;
    this.#compact();
    return out;
  }

  /** Like take, but as a single Buffer (for short runs such as a 16-byte tag). */
  takeJoined(n: number): Buffer {
    const slices = this.take(n);
    return slices.length === 1 && slices[0] !== undefined ? slices[0] : Buffer.concat(slices, n);
  }

  /**
   * Like take, but never more than a few slices: many tiny pieces are joined once, so the caller
   * makes a bounded number of cipher calls per run.
   */
  takeFew(n: number): Buffer[] {
    const slices = this.take(n);
    return slices.length > MAX_SLICES_PER_RUN ? [Buffer.concat(slices, n)] : slices;
  }

  // Dropping consumed entries from the front of the array on every take would be O(n) each;
  // doing it only once they are the majority keeps the cost amortised O(1) per piece.
  #compact(): void {
    if (this.#head === this.#pieces.length) {
      this.#pieces = [];
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#pieces.length) {
      this.#pieces = this.#pieces.slice(this.#head);
      this.#head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);

// Runs of consecutive chunks of one segment sealed or opened on an offload thread: the bytes are
// gathered into one batch buffer and moved there; the result comes back as one Buffer.
import type { KeyObject } from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { OpenedRun } from '../chunk-cipher.ts';
import { gather, returnBatchBuffer } from './buffers.ts';
import type { OffloadPool } from './pool.ts';
import type { WorkReply } from './protocol.ts';

export interface ChunkRun {
  key: KeyObject;
  partNumber: number;
  firstIndex: number;
  /** Segment plaintext size when the run ends with the final chunk. */
  finalSize: number | undefined;
  /** The run's bytes, copied before this returns (the caller may drop them at once). */
  slices: Buffer[];
}

function send(pool: OffloadPool, op: 'seal' | 'open', run: ChunkRun): Promise<WorkReply> {
  const { data, length } = gather(run.slices);
  const message = { op, key: run.key, partNumber: run.partNumber, firstIndex: run.firstIndex, finalSize: run.finalSize ?? null, data, length };
  return pool.request(message, [data]).then((reply) => {
    returnBatchBuffer(reply.data);
    return reply;
  });
}

function output(reply: WorkReply): Buffer[] {
  if (reply.pieces === undefined) throw new Error('offload worker sent no output');
  return reply.pieces.map((piece) => Buffer.from(piece));
}

/** Ciphertext pieces and tag of every chunk of the run, in order (as stored). */
export async function sealOffloaded(pool: OffloadPool, run: ChunkRun): Promise<Buffer[]> {
  return output(await send(pool, 'seal', run));
}

/** Plaintext pieces of the chunks that verified, and how many did (stops at the first failure). */
export async function openOffloaded(pool: OffloadPool, run: ChunkRun): Promise<OpenedRun> {
  const reply = await send(pool, 'open', run);
  if (reply.opened === undefined) throw new Error('offload worker sent no count');
  return { plain: output(reply), opened: reply.opened };
}

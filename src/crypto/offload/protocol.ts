// The messages between the offload pool and its worker threads. Data travels in transferred
// ArrayBuffers (moved, not copied); the input buffer comes back with the reply to be reused.
import type { KeyObject } from 'node:crypto';

/** Seal or open a run of consecutive chunks of one segment (see SegmentCipher.sealRun/openRun). */
export interface ChunkRunRequest {
  op: 'seal' | 'open';
  key: KeyObject;
  partNumber: number;
  firstIndex: number;
  /** Segment plaintext size when the run ends with the final chunk; null otherwise. */
  finalSize: number | null;
  data: ArrayBuffer;
  length: number;
}

/** Feed bytes to, read out, or forget the MD5 state `stream` kept by the worker. */
export type Md5Request =
  | { op: 'md5-update'; stream: number; data: ArrayBuffer; length: number }
  | { op: 'md5-digest'; stream: number }
  | { op: 'md5-drop'; stream: number };

export type WorkRequest = ChunkRunRequest | Md5Request;

export interface WorkReply {
  id: number;
  /** Set when the work threw; the message only (no stack, no key material). */
  error?: string;
  /** The request's input buffer, handed back for reuse. */
  data?: ArrayBuffer;
  /** Output of seal/open, piece by piece, in order (each piece's memory moved, not copied). */
  pieces?: ArrayBuffer[];
  /** open: chunks that verified; fewer than sent means the next one failed. */
  opened?: number;
  digest?: Uint8Array;
}

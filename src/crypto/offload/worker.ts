// Worker thread of the offload pool: AES-256-GCM chunk runs and MD5, one request at a time, each
// answered in order on the same port. Keys arrive as KeyObjects and are never logged or echoed.
import { createHash, type Hash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { SegmentCipher } from '../chunk-cipher.ts';
import type { ChunkRunRequest, Md5Request, WorkReply, WorkRequest } from './protocol.ts';

type Answer = [reply: Omit<WorkReply, 'id'>, transfer: ArrayBuffer[]];

const md5s = new Map<number, Hash>();

function runChunks(request: ChunkRunRequest): Answer {
  const cipher = new SegmentCipher(request.key, request.partNumber);
  const data = Buffer.from(request.data, 0, request.length);
  const finalSize = request.finalSize ?? undefined;
  const { plain, opened } = request.op === 'seal'
    ? { plain: cipher.sealRun(request.firstIndex, finalSize, data), opened: undefined }
    : cipher.openRun(request.firstIndex, finalSize, data);
  const pieces = plain.map(ownMemory);
  return [{ data: request.data, pieces, opened }, [request.data, ...pieces]];
}

/** The piece's memory as an ArrayBuffer of its own, which can be moved to the other thread. */
function ownMemory(piece: Buffer): ArrayBuffer {
  // Cipher outputs own theirs; a view into shared memory (Buffer's small-allocation pool) is copied.
  const whole = piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength;
  return (whole ? piece.buffer : new Uint8Array(piece).buffer) as ArrayBuffer;
}

function runMd5(request: Md5Request): Answer {
  if (request.op === 'md5-drop') {
    md5s.delete(request.stream);
    return [{}, []];
  }
  let hash = md5s.get(request.stream);
  if (hash === undefined) {
    hash = createHash('md5');
    md5s.set(request.stream, hash);
  }
  if (request.op === 'md5-update') {
    hash.update(Buffer.from(request.data, 0, request.length));
    return [{ data: request.data }, [request.data]];
  }
  md5s.delete(request.stream);
  return [{ digest: hash.digest() }, []];
}

function handle(request: WorkRequest): Answer {
  return 'stream' in request ? runMd5(request) : runChunks(request);
}

const port = parentPort;
if (port === null) throw new Error('the offload worker runs only as a worker thread');
port.on('message', (message: WorkRequest & { id: number }) => {
  let answer: Answer;
  try {
    answer = handle(message);
  } catch (error) {
    answer = [{ error: error instanceof Error ? error.message : 'offload work failed' }, []];
  }
  port.postMessage({ id: message.id, ...answer[0] } satisfies WorkReply, answer[1]);
});

// Public surface of the offload pool: worker threads for the per-byte work of large objects.
export { aesOffloadPool, configureOffload, offloadPool, stopOffload, type OffloadPool } from './pool.ts';
export { createOffloadedMd5, type OffloadedMd5 } from './md5.ts';
export { openOffloaded, sealOffloaded, type ChunkRun } from './chunk-runs.ts';
export { InOrder } from './in-order.ts';
export { BATCH_CHUNKS } from './buffers.ts';

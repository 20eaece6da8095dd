// A few worker threads for the per-byte work of large objects (AES-GCM chunks, MD5), so that the
// event loop keeps only TLS and I/O. Started on first use; a thread holds the process open only
// while it owes a reply; stopOffload() ends them. Size: min(2, cores − 1), at least 1, unless configured.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkReply, WorkRequest } from './protocol.ts';

interface Waiting {
  resolve(reply: WorkReply): void;
  reject(error: Error): void;
}

/** One worker thread. Requests on one lane are answered in the order they were sent. */
export class Lane {
  readonly #worker: Worker;
  readonly #onRequest: () => void;
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;
  #dead: Error | undefined;

  constructor(worker: Worker, onRequest: () => void) {
    this.#worker = worker;
    this.#onRequest = onRequest;
    worker.on('message', (reply: WorkReply) => this.#settle(reply));
    worker.on('error', (error: Error) => this.#fail(new Error(`offload worker failed: ${error.message}`)));
    worker.on('exit', (code: number) => this.#fail(new Error(`offload worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
  }

  /** Requests sent and not yet answered. */
  get load(): number {
    return this.#waiting.size;
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  /** Sends work, moving `transfer` to the thread. A failed reply or a dead thread rejects. */
  request(message: WorkRequest, transfer: ArrayBuffer[] = []): Promise<WorkReply> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    this.#onRequest();
    const reply = new Promise<WorkReply>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    // Referenced only while a reply is owed: an idle pool never keeps the process alive, but an
    // awaited reply does (otherwise a script could exit with a pipeline half done).
    if (this.#waiting.size === 1) this.#worker.ref();
    this.#worker.postMessage({ ...message, id }, transfer);
    return reply;
  }

  terminate(): Promise<number> {
    this.#fail(new Error('offload pool stopped'));
    return this.#worker.terminate();
  }

  #settle(reply: WorkReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (waiting === undefined) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (reply.error !== undefined) waiting.reject(new Error(`offload work failed: ${reply.error}`));
    else waiting.resolve(reply);
  }

  #fail(error: Error): void {
    this.#dead ??= error;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    this.#worker.unref();
    for (const w of waiting) w.reject(this.#dead);
  }
}

/**
 * Compiled build: worker.js sits next to this file. From the sources (tsx), a worker thread does
 * not get tsx's hooks: not when bin/coffer.js registered them with register(), and on Node 20 not
 * even with --import tsx for a .ts entry. So a small eval'd bootstrap (plain JS) registers tsx in
 * the thread first; tsx is necessarily installed when this file runs as .ts.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${entry}); })`, { eval: true });
}

export class OffloadPool {
  readonly size: number;
  #lanes: Lane[] = [];
  #requests = 0;

  constructor(size: number) {
    this.size = size;
  }

  /** Work requests sent so far (tests check that small objects send none). */
  get requests(): number {
    return this.#requests;
  }

  /** Replies owed by all threads together. */
  get outstanding(): number {
    return this.#lanes.reduce((sum, lane) => sum + lane.load, 0);
  }

  /** The least busy live thread; threads start on first use and a dead one is replaced. */
  lane(): Lane {
    this.#lanes = this.#lanes.filter((lane) => lane.alive);
    while (this.#lanes.length < this.size) this.#lanes.push(new Lane(startWorker(), () => (this.#requests += 1)));
    const lanes = this.#lanes;
    let best = lanes[0] as Lane;
    for (const lane of lanes) if (lane.load < best.load) best = lane;
    return best;
  }

  /** Stateless work (chunk runs) goes to whichever thread is least busy. */
  request(message: WorkRequest, transfer: ArrayBuffer[] = []): Promise<WorkReply> {
    return this.lane().request(message, transfer);
  }

  async close(): Promise<void> {
    const lanes = this.#lanes;
    this.#lanes = [];
    await Promise.all(lanes.map((lane) => lane.terminate()));
  }
}

// One core is the event loop's: on two cores one thread (one more V8 isolate, ~12 MiB) hashed as
// fast as two and left the client and the loop more room (plain PUT of 512 MiB, dev VM).
let threads = Math.max(1, Math.min(2, availableParallelism() - 1));
let aes = false;
let shared: OffloadPool | undefined;

/**
 * Sets the number of threads (0: everything stays on the event loop) and whether AES-GCM chunk
 * runs go to them too (MD5 always does). Takes effect on next use.
 */
export function configureOffload(options: { threads?: number | undefined; aes?: boolean | undefined }): void {
  if (options.aes !== undefined) aes = options.aes;
  if (options.threads === undefined || options.threads === threads) return;
  if (!Number.isInteger(options.threads) || options.threads < 0) throw new RangeError(`invalid thread count: ${options.threads}`);
  threads = options.threads;
  const old = shared;
  shared = undefined;
  void old?.close();
}

/** The shared pool, or undefined when offloading is switched off. */
export function offloadPool(): OffloadPool | undefined {
  if (threads === 0) return undefined;
  shared ??= new OffloadPool(threads);
  return shared;
}

/**
 * The pool for AES-GCM chunk runs, when they are to move at all. Off by default: a run costs more
 * CPU in total on a thread (a copy, two messages, more to collect) and adds a hand-off to every
 * stream's pipeline; on the 2-core dev VM, where AES-GCM runs at ~1.6 GiB/s inline, SSE-C PUT and
 * GET were 10-35% slower with it (docs/design/encryption.md §12). Where AES is slow, try it.
 */
export function aesOffloadPool(): OffloadPool | undefined {
  return aes ? offloadPool() : undefined;
}

/** Ends the threads (after the servers drained); a later use starts new ones. */
export async function stopOffload(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}

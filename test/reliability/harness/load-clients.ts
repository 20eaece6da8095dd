// Load clients: each owns its keys and mixes PUT/GET/HEAD/LIST/DELETE/COPY and multipart, checking
// read-after-write on every read against what the server acknowledged; all share one connection pool.
import { newKey, sourceTrio } from '../../helpers/sse.ts';
import { S3Http, describeOutcome, objectPath, type Outcome } from './client.ts';
import { choose, makeContent, randInt, sha256 } from './common.ts';
import { KeyModel, type Version } from './crash-model.ts';
import { sseHeaders } from './crash-workload.ts';

export interface LoadStats {
  ops: Record<string, number>;
  unexpected: string[];
  /** Requests cut by a shutdown: after the response began, or after 100 Continue (must stay zero). */
  cut: string[];
  /** Requests that found the server gone before it started on them (expected only during a shutdown). */
  refused: number;
  bytesWritten: number;
  bytesRead: number;
  latenciesMs: number[];
  /** performance.now() of a SIGTERM, and how many requests begun after it were still answered. */
  signalledAt?: number;
  servedAfterSignal: number;
}

export const emptyLoadStats = (): LoadStats => ({ ops: {}, unexpected: [], cut: [], refused: 0, bytesWritten: 0, bytesRead: 0, latenciesMs: [], servedAfterSignal: 0 });

export class LoadClient {
  readonly keys = new Map<string, KeyModel>();
  readonly #prefix: string;
  readonly #bucket: string;
  readonly #random: () => number;
  readonly #stats: LoadStats;
  #n = 0;

  constructor(index: number, bucket: string, random: () => number, stats: LoadStats, keyCount = 8) {
    this.#prefix = `c${index}/`;
    this.#bucket = bucket;
    this.#random = random;
    this.#stats = stats;
    for (let i = 0; i < keyCount; i++) this.keys.set(`${this.#prefix}k${i}`, new KeyModel());
  }

  /** Classifies a failed request; returns true when the client should stop (the server is gone). */
  #failed(op: string, o: Outcome): boolean {
    if (o.kind === 'network') {
      if (o.gotHeaders || o.continued) this.#stats.cut.push(`${op}: ${o.error}${o.gotHeaders ? ' after response headers' : ' after 100 Continue'}`);
      else this.#stats.refused++;
      return true;
    }
    this.#stats.unexpected.push(`${op}: ${describeOutcome(o)}`);
    return false;
  }

  async #timed(client: S3Http, op: string, call: Parameters<S3Http['call']>[0]): Promise<Outcome> {
    const started = performance.now();
    const o = await client.call({ ...call, expectContinue: call.body !== undefined && call.body.length > 0 });
    this.#stats.latenciesMs.push(performance.now() - started);
    const signalled = this.#stats.signalledAt;
    if (signalled !== undefined && started > signalled && o.kind === 'response') this.#stats.servedAfterSignal++;
    this.#stats.ops[op] = (this.#stats.ops[op] ?? 0) + 1;
    return o;
  }

  /** Runs until `stop()` or until the server is gone. */
  async run(client: S3Http, stop: () => boolean, shared: { key: string; sha256: string }[]): Promise<void> {
    while (!stop()) if (await this.step(client, shared)) return;
  }

  /** One operation; true when the server is gone. */
  async step(client: S3Http, shared: { key: string; sha256: string }[]): Promise<boolean> {
    const r = this.#random();
    const key = choose(this.#random, [...this.keys.keys()]);
    const model = this.keys.get(key) ?? new KeyModel();
    const known = model.certain;
    const path = objectPath(this.#bucket, key);
    if (r < 0.33) {
      const size = this.#random() < 0.7 ? randInt(this.#random, 0, 64 * 1024) : this.#random() < 0.85 ? randInt(this.#random, 64 * 1024, 1024 * 1024) : randInt(this.#random, 1024 * 1024, 4 * 1024 * 1024);
      const sse = this.#random() < 0.3 ? newKey() : undefined;
      const { content, data } = makeContent(`${key}-${++this.#n}-${Math.floor(this.#random() * 1e9)}`, size);
      const version: Version = { content, sse, origin: 'PUT' };
      const o = await this.#timed(client, 'PUT', { method: 'PUT', path, headers: sseHeaders(sse), body: data });
      if (o.kind === 'response' && o.status === 200) {
        model.acknowledge({ ...version, etag: o.headers.etag });
        this.#stats.bytesWritten += size;
        return false;
      }
      if (o.kind === 'network') model.inDoubt(version);
      return this.#failed(`PUT ${key}`, o);
    }
    if (r < 0.73) {
      const head = r >= 0.63;
      if (known === undefined) return false;
      const o = await this.#timed(client, head ? 'HEAD' : 'GET', { method: head ? 'HEAD' : 'GET', path, headers: sseHeaders(known?.sse) });
      if (o.kind === 'network') return this.#failed(`GET ${key}`, o);
      if (known === null) return o.status === 404 ? false : this.#failed(`${head ? 'HEAD' : 'GET'} ${key} (deleted)`, o);
      const exact = o.status === 200 && (head ? Number(o.headers['content-length']) === known.content.size : sha256(o.body) === known.content.sha256);
      if (exact && (known.etag === undefined || o.headers.etag === known.etag)) {
        this.#stats.bytesRead += o.body.length;
        return false;
      }
      this.#stats.unexpected.push(`read-after-write ${key}: ${describeOutcome(o)} ${o.status === 200 ? `(${o.body.length} bytes, wrote ${known.content.size})` : ''}`);
      return false;
    }
    if (r < 0.80) {
      const o = await this.#timed(client, 'LIST', { method: 'GET', path: `/${this.#bucket}`, query: { 'list-type': '2', prefix: this.#prefix } });
      if (o.kind !== 'response' || o.status !== 200) return this.#failed('LIST', o);
      const listed = new Map([...o.body.toString().matchAll(/<Key>([^<]*)<\/Key>[\s\S]*?<Size>(\d+)<\/Size>/g)].map((m) => [m[1] ?? '', Number(m[2])]));
      for (const [k, km] of this.keys) {
        const state = km.certain;
        if (state === undefined) continue;
        if ((state?.content.size ?? undefined) !== listed.get(k)) this.#stats.unexpected.push(`LIST ${k}: listed ${listed.get(k) ?? 'absent'}, expected ${state?.content.size ?? 'absent'}`);
      }
      return false;
    }
    if (r < 0.92) {
      const o = await this.#timed(client, 'DELETE', { method: 'DELETE', path });
      if (o.kind === 'response' && o.status === 204) {
        model.acknowledge(null);
        return false;
      }
      if (o.kind === 'network') model.inDoubt(null);
      return this.#failed(`DELETE ${key}`, o);
    }
    if (r < 0.96) {
      const item = choose(this.#random, shared);
      const o = await this.#timed(client, 'GET', { method: 'GET', path: objectPath(this.#bucket, item.key) });
      if (o.kind === 'network') return this.#failed('GET shared', o);
      if (o.status !== 200 || sha256(o.body) !== item.sha256) this.#stats.unexpected.push(`shared ${item.key}: ${describeOutcome(o)}`);
      return false;
    }
    if (r < 0.99) {
      const source = [...this.keys].find(([k, km]) => k !== key && km.certain);
      const src = source?.[1].certain;
      if (!source || !src) return false;
      const o = await this.#timed(client, 'COPY', { method: 'PUT', path, headers: { 'x-amz-copy-source': `/${this.#bucket}/${source[0]}`, ...(src.sse ? sourceTrio(src.sse) : {}) } });
      const etag = o.kind === 'response' ? /<ETag>([^<]*)</.exec(o.body.toString())?.[1]?.replace(/&quot;/g, '"') : undefined;
      if (o.kind === 'response' && o.status === 200 && etag) {
        model.acknowledge({ content: src.content, origin: 'COPY', etag });
        return false;
      }
      if (o.kind === 'network') model.inDoubt({ content: src.content, origin: 'COPY' });
      return this.#failed(`COPY ${key}`, o);
    }
    return this.#multipart(client, key, model);
  }

  /** Create, two parts (5 MiB and a small one), complete: the key then holds their concatenation. */
  async #multipart(client: S3Http, key: string, model: KeyModel): Promise<boolean> {
    const path = objectPath(this.#bucket, key);
    const sse = this.#random() < 0.3 ? newKey() : undefined;
    const headers = sseHeaders(sse);
    const created = await this.#timed(client, 'MPU-CREATE', { method: 'POST', path, query: { uploads: '' }, headers });
    const uploadId = created.kind === 'response' ? /<UploadId>([^<]+)</.exec(created.body.toString())?.[1] : undefined;
    if (!uploadId) return this.#failed(`CreateMultipartUpload ${key}`, created);
    const parts = [makeContent(`${key}-p1-${++this.#n}`, 5 * 1024 * 1024), makeContent(`${key}-p2-${this.#n}`, randInt(this.#random, 1, 300_000))];
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const o = await this.#timed(client, 'MPU-PART', { method: 'PUT', path, query: { partNumber: String(i + 1), uploadId }, headers, body: part.data });
      if (o.kind !== 'response' || o.status !== 200) return this.#failed(`UploadPart ${key}`, o);
      etags.push(String(o.headers.etag));
    }
    const whole = Buffer.concat(parts.map((p) => p.data));
    const version: Version = { content: { seed: 'multipart', size: whole.length, sha256: sha256(whole) }, sse, origin: 'multipart' };
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const done = await this.#timed(client, 'MPU-COMPLETE', { method: 'POST', path, query: { uploadId }, headers, body: Buffer.from(xml) });
    const etag = done.kind === 'response' ? /<ETag>([^<]*)</.exec(done.body.toString())?.[1]?.replace(/&quot;/g, '"') : undefined;
    if (done.kind === 'response' && done.status === 200 && etag) {
      model.acknowledge({ ...version, etag });
      this.#stats.bytesWritten += whole.length;
      return false;
    }
    if (done.kind === 'network') model.inDoubt(version);
    return this.#failed(`CompleteMultipartUpload ${key}`, done);
  }
}

export interface LoadRun {
  stats: LoadStats;
  clients: LoadClient[];
  shared: { key: string; sha256: string }[];
  stop(): void;
  /** Resolves when every client stopped (asked to, or the server went away). */
  done: Promise<void>;
}

/** Writes the shared objects and starts `count` clients on one pool of `count` keep-alive connections. */
export async function startLoad(http: S3Http, bucket: string, count: number, seed: number, random: (seed: number) => () => number): Promise<LoadRun> {
  const stats = emptyLoadStats();
  const shared: { key: string; sha256: string }[] = [];
  for (let i = 0; i < 4; i++) {
    const { content, data } = makeContent(`shared-${i}`, 256 * 1024);
    const o = await http.call({ method: 'PUT', path: objectPath(bucket, `shared/${i}`), body: data });
    if (o.kind !== 'response' || o.status !== 200) throw new Error(`shared PUT: ${describeOutcome(o)}`);
    shared.push({ key: `shared/${i}`, sha256: content.sha256 });
  }
  const clients = Array.from({ length: count }, (_, i) => new LoadClient(i, bucket, random(seed + i), stats));
  let stopped = false;
  const done = Promise.all(clients.map((c) => c.run(http, () => stopped, shared))).then(() => undefined);
  return { stats, clients, shared, stop: () => (stopped = true), done };
}

/** Latency percentiles (ms) of the requests so far. */
export function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}

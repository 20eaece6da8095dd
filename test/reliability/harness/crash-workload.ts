// The crash harness's writers: PUTs (plain and SSE-C, small and multi-MiB), copies, deletes and multipart
// steps on keys each worker owns, updating the model from exactly what the server acknowledged.
import { newKey, sourceTrio, trio } from '../../helpers/sse.ts';
import { S3Http, codeOf, describeOutcome, objectPath, type Outcome } from './client.ts';
import { bytesOf, choose, concatContent, makeContent, randInt, sha256 } from './common.ts';
import type { CrashFigures, Version, WorkerModel } from './crash-model.ts';

const MiB = 1024 * 1024;
const PART = 5 * MiB;

export const sseHeaders = (key: Buffer | undefined): Record<string, string> => (key ? trio(key) : {});
const etagOf = (o: Outcome): string | undefined =>
  o.kind === 'response' ? (o.headers.etag ?? /<ETag>([^<]*)<\/ETag>/.exec(o.body.toString())?.[1]?.replace(/&quot;/g, '"')) : undefined;

/** What an operation's outcome means for the worker: carry on, or the server is gone. */
type Step = 'ok' | 'dead';

export class CrashWorker {
  readonly #model: WorkerModel;
  readonly #bucket: string;
  readonly #random: () => number;
  readonly #figures: CrashFigures;
  #counter = 0;

  constructor(model: WorkerModel, bucket: string, random: () => number, figures: CrashFigures) {
    this.#model = model;
    this.#bucket = bucket;
    this.#random = random;
    this.#figures = figures;
  }

  /** Runs operations until the server stops answering (a kill) or `stop` says so. */
  async run(client: S3Http, stop: () => boolean): Promise<void> {
    while (!stop()) {
      const r = this.#random();
      const step = r < 0.3 ? await this.#put(client, 'small')
        : r < 0.42 ? await this.#put(client, 'large')
        : r < 0.52 ? await this.#copy(client)
        : r < 0.64 ? await this.#delete(client)
        : r < 0.92 ? await this.#multipart(client)
        : await this.#readBack(client);
      if (step === 'dead') return;
    }
  }

  #unexpected(what: string, o: Outcome): Step {
    if (o.kind === 'network') return 'dead';
    this.#figures.unexpectedErrors.push(`${what}: ${describeOutcome(o)}`);
    return 'ok';
  }

  #seed(): string {
    this.#counter++;
    return `${this.#model.prefix}${this.#counter}-${Math.floor(this.#random() * 1e9)}`;
  }

  async #put(client: S3Http, kind: 'small' | 'large'): Promise<Step> {
    const key = choose(this.#random, [...this.#model.keys.keys()]);
    const size = kind === 'small' ? randInt(this.#random, 0, 200 * 1024) : randInt(this.#random, MiB, 6 * MiB);
    const sse = this.#random() < 0.4 ? newKey() : undefined;
    const { content, data } = makeContent(this.#seed(), size);
    const version: Version = { content, sse, origin: `PUT ${kind}${sse ? ' SSE-C' : ''}` };
    const o = await client.call({ method: 'PUT', path: objectPath(this.#bucket, key), headers: sseHeaders(sse), body: data });
    if (o.kind === 'response' && o.status === 200) {
      this.#model.key(key).acknowledge({ ...version, etag: etagOf(o) });
      this.#figures.acknowledgedWrites++;
      return 'ok';
    }
    if (o.kind === 'network') this.#model.key(key).inDoubt(version);
    return this.#unexpected(`PUT ${key}`, o);
  }

  async #copy(client: S3Http): Promise<Step> {
    const sources = this.#model.certainObjects();
    if (sources.length === 0) return this.#put(client, 'small');
    const [sourceKey, source] = choose(this.#random, sources);
    const targets = [...this.#model.keys.keys()].filter((k) => k !== sourceKey);
    const key = choose(this.#random, targets);
    const sse = this.#random() < 0.4 ? newKey() : undefined;
    const version: Version = { content: source.content, sse, origin: `COPY from ${sourceKey} (${source.origin})` };
    const o = await client.call({
      method: 'PUT', path: objectPath(this.#bucket, key),
      headers: { 'x-amz-copy-source': `/${this.#bucket}/${sourceKey}`, ...(source.sse ? sourceTrio(source.sse) : {}), ...sseHeaders(sse) },
    });
    if (o.kind === 'response' && o.status === 200 && o.body.includes('<CopyObjectResult')) {
      this.#model.key(key).acknowledge({ ...version, etag: etagOf(o) });
      this.#figures.copies++;
      return 'ok';
    }
    if (o.kind === 'network') this.#model.key(key).inDoubt(version);
    return this.#unexpected(`COPY ${sourceKey} → ${key}`, o);
  }

  async #delete(client: S3Http): Promise<Step> {
    const key = choose(this.#random, [...this.#model.keys.keys()]);
    const o = await client.call({ method: 'DELETE', path: objectPath(this.#bucket, key) });
    if (o.kind === 'response' && o.status === 204) {
      this.#model.key(key).acknowledge(null);
      this.#figures.acknowledgedDeletes++;
      return 'ok';
    }
    if (o.kind === 'network') this.#model.key(key).inDoubt(null);
    return this.#unexpected(`DELETE ${key}`, o);
  }

  async #multipart(client: S3Http): Promise<Step> {
    const upload = this.#model.upload;
    if (!upload) return this.#create(client);
    const path = objectPath(this.#bucket, upload.key);
    if (upload.parts.size < upload.plannedParts) {
      const partNumber = upload.parts.size + 1;
      const size = partNumber < upload.plannedParts ? PART : randInt(this.#random, 1, 512 * 1024);
      const { content, data } = makeContent(this.#seed(), size);
      const o = await client.call({
        method: 'PUT', path, query: { partNumber: String(partNumber), uploadId: upload.uploadId }, headers: sseHeaders(upload.sse), body: data,
      });
      if (o.kind === 'response' && o.status === 200) {
        upload.parts.set(partNumber, { content, acknowledged: true, etag: etagOf(o) });
        this.#figures.acknowledgedParts++;
        return 'ok';
      }
      if (o.kind === 'network') upload.parts.set(partNumber, { content, acknowledged: false });
      return this.#unexpected(`UploadPart ${upload.key} #${partNumber}`, o);
    }
    if (this.#random() < 0.1) {
      const o = await client.call({ method: 'DELETE', path, query: { uploadId: upload.uploadId } });
      if (o.kind === 'response' && o.status === 204) {
        this.#model.upload = undefined;
        return 'ok';
      }
      if (o.kind === 'network') upload.status = 'aborting';
      return this.#unexpected(`Abort ${upload.key}`, o);
    }
    const parts = [...upload.parts.entries()].sort((a, b) => a[0] - b[0]);
    const xml = `<CompleteMultipartUpload>${parts.map(([n, p]) => `<Part><PartNumber>${n}</PartNumber><ETag>${p.etag ?? ''}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const content = concatContent(this.#seed(), parts.map(([, p]) => bytesOf(p.content.seed, p.content.size)));
    const version: Version = { content, sse: upload.sse, origin: `multipart ${upload.uploadId}` };
    const o = await client.call({ method: 'POST', path, query: { uploadId: upload.uploadId }, headers: sseHeaders(upload.sse), body: Buffer.from(xml) });
    if (o.kind === 'response' && o.status === 200 && o.body.includes('<CompleteMultipartUploadResult')) {
      this.#model.key(upload.key).acknowledge({ ...version, etag: etagOf(o) });
      this.#model.upload = undefined;
      this.#figures.completes++;
      return 'ok';
    }
    if (o.kind === 'network') {
      upload.status = 'completing';
      upload.completion = version;
      this.#model.key(upload.key).inDoubt(version);
    }
    return this.#unexpected(`Complete ${upload.key}`, o);
  }

  async #create(client: S3Http): Promise<Step> {
    const key = choose(this.#random, [...this.#model.keys.keys()]);
    const sse = this.#random() < 0.4 ? newKey() : undefined;
    const o = await client.call({ method: 'POST', path: objectPath(this.#bucket, key), query: { uploads: '' }, headers: sseHeaders(sse) });
    const uploadId = o.kind === 'response' ? /<UploadId>([^<]+)<\/UploadId>/.exec(o.body.toString())?.[1] : undefined;
    if (o.kind === 'response' && o.status === 200 && uploadId) {
      this.#model.upload = { uploadId, key, sse, parts: new Map(), status: 'open', plannedParts: randInt(this.#random, 2, 3) };
      return 'ok';
    }
    if (o.kind === 'network') this.#model.createsInDoubt.add(key);
    return this.#unexpected(`CreateMultipartUpload ${key}`, o);
  }

  /** Read-after-write while running: an acknowledged object reads back exactly. */
  async #readBack(client: S3Http): Promise<Step> {
    const objects = this.#model.certainObjects();
    if (objects.length === 0) return 'ok';
    const [key, version] = choose(this.#random, objects);
    const o = await client.call({ method: 'GET', path: objectPath(this.#bucket, key), headers: sseHeaders(version.sse) });
    if (o.kind === 'network') return 'dead';
    if (o.status !== 200 || sha256(o.body) !== version.content.sha256) {
      this.#figures.failures.push(`read-after-write ${key} (${version.origin}): ${describeOutcome(o)} ${codeOf(o) ?? ''}`);
    }
    return 'ok';
  }
}

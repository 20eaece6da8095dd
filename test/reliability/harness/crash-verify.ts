// After a restart: resolves every key and upload against the model, byte-exact, and checks listings.
import { S3Http, describeOutcome, objectPath, type Outcome } from './client.ts';
import { sha256 } from './common.ts';
import type { CrashFigures, KeyModel, PartModel, State, Version, WorkerModel } from './crash-model.ts';
import { sseHeaders } from './crash-workload.ts';

const sameVersion = (a: State, b: State): boolean => a === b || (a !== null && b !== null && a.content.sha256 === b.content.sha256 && a.sse === b.sse);

/** Reads a key and says which of its possible states it holds (undefined: none of them — lost or mixed). */
async function resolveKey(client: S3Http, bucket: string, key: string, possible: State[]): Promise<{ state: State | undefined; seen: string; bytes: number }> {
  const tried: string[] = [];
  const keys = [undefined, ...new Set(possible.filter((s): s is Version => s !== null && s.sse !== undefined).map((s) => s.sse))];
  for (const sse of keys) {
    const o: Outcome = await client.call({ method: 'GET', path: objectPath(bucket, key), headers: sseHeaders(sse) });
    tried.push(describeOutcome(o));
    if (o.kind === 'network') throw new Error(`server gone while verifying ${key}`);
    if (o.status === 404) return { state: possible.includes(null) ? null : undefined, seen: '404', bytes: 0 };
    if (o.status !== 200) continue;
    const hash = sha256(o.body);
    const etag = o.headers.etag;
    const match = possible.find((s) => s !== null && s.sse === sse && s.content.sha256 === hash && s.content.size === o.body.length &&
      (s.etag === undefined || s.etag === etag));
    return { state: match, seen: `200 ${o.body.length} bytes sha256 ${hash.slice(0, 12)} etag ${etag ?? ''}`, bytes: o.body.length };
  }
  return { state: undefined, seen: tried.join(', '), bytes: 0 };
}

async function listAll(client: S3Http, bucket: string, prefix: string, failures: string[]): Promise<Map<string, number>> {
  const listed = new Map<string, number>();
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const o = await client.call({ method: 'GET', path: `/${bucket}`, query: { 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) } });
    if (o.kind !== 'response' || o.status !== 200) {
      failures.push(`ListObjectsV2 ${prefix}: ${describeOutcome(o)}`);
      return listed;
    }
    const text = o.body.toString();
    for (const m of text.matchAll(/<Contents>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<Size>(\d+)<\/Size>[\s\S]*?<\/Contents>/g)) {
      listed.set(m[1] ?? '', Number(m[2]));
    }
    token = /<NextContinuationToken>([^<]*)</.exec(text)?.[1];
    if (!text.includes('<IsTruncated>true</IsTruncated>') || !token) return listed;
  }
  return listed;
}

/** Parts of an upload as ListParts shows them, or undefined when the upload is gone (404). */
async function listParts(client: S3Http, bucket: string, key: string, uploadId: string): Promise<Map<number, { etag: string; size: number }> | undefined> {
  const o = await client.call({ method: 'GET', path: objectPath(bucket, key), query: { uploadId } });
  if (o.kind === 'response' && o.status === 404) return undefined;
  if (o.kind !== 'response' || o.status !== 200) throw new Error(`ListParts ${key}: ${describeOutcome(o)}`);
  const parts = new Map<number, { etag: string; size: number }>();
  for (const m of o.body.toString().matchAll(/<Part>[\s\S]*?<PartNumber>(\d+)<\/PartNumber>[\s\S]*?<ETag>([^<]*)<\/ETag>[\s\S]*?<Size>(\d+)<\/Size>[\s\S]*?<\/Part>/g)) {
    parts.set(Number(m[1]), { etag: (m[2] ?? '').replace(/&quot;/g, '"'), size: Number(m[3]) });
  }
  return parts;
}

function checkParts(where: string, modelParts: Map<number, PartModel>, listed: Map<number, { etag: string; size: number }>, failures: string[]): void {
  for (const [n, part] of [...modelParts]) {
    const seen = listed.get(n);
    if (!seen) {
      if (part.acknowledged) failures.push(`${where}: acknowledged part ${n} lost`);
      else modelParts.delete(n);
      continue;
    }
    if (seen.size !== part.content.size) failures.push(`${where}: part ${n} has ${seen.size} bytes, wrote ${part.content.size}`);
    if (part.acknowledged && part.etag !== seen.etag) failures.push(`${where}: part ${n} ETag ${seen.etag}, acknowledged ${part.etag ?? ''}`);
    part.acknowledged = true;
    part.etag = seen.etag;
  }
  for (const n of listed.keys()) if (!modelParts.has(n)) failures.push(`${where}: unknown part ${n} listed`);
}

/** For a key read back exactly before and unchanged since: its metadata still matches (status, size, ETag). */
async function headMatches(client: S3Http, bucket: string, key: string, state: State): Promise<string | undefined> {
  const o = await client.call({ method: 'HEAD', path: objectPath(bucket, key), headers: sseHeaders(state?.sse) });
  if (o.kind !== 'response') throw new Error(`server gone while verifying ${key}`);
  if (state === null) return o.status === 404 ? undefined : `HEAD ${o.status}, expected absent`;
  if (o.status !== 200) return `HEAD ${o.status}`;
  if (Number(o.headers['content-length']) !== state.content.size) return `HEAD size ${o.headers['content-length'] ?? ''}, expected ${state.content.size}`;
  if (state.etag !== undefined && o.headers.etag !== state.etag) return `HEAD ETag ${o.headers.etag ?? ''}, expected ${state.etag}`;
  return undefined;
}

/** What key checks add up: failures and the resolution of writes in doubt. */
export type KeyTally = Pick<CrashFigures, 'failures' | 'bytesVerified' | 'inDoubtResolvedOld' | 'inDoubtResolvedNew'>;

/**
 * Resolves keys against their possible states, byte-exact; failures are appended, each model made exact.
 * Keys changed (or in doubt) since their last check are read in full; with `full`, every key is.
 */
export async function verifyKeys(client: S3Http, bucket: string, keys: Map<string, KeyModel>, tally: KeyTally, full = true): Promise<void> {
  for (const [key, km] of keys) {
    const known = km.certain;
    if (!full && km.verified && known !== undefined) {
      const problem = await headMatches(client, bucket, key, known);
      if (problem) tally.failures.push(`${key} (${known?.origin ?? 'absent'}), unchanged since verified: ${problem}`);
      continue;
    }
    const before = km.possible;
    const { state, seen, bytes } = await resolveKey(client, bucket, key, before);
    tally.bytesVerified += bytes;
    if (state === undefined) {
      tally.failures.push(`${key}: holds none of its possible states [${before.map((s) => (s ? s.origin : 'absent')).join(' | ')}]; server gave ${seen}`);
      km.possible = [null];
      continue;
    }
    if (before.length > 1) {
      if (sameVersion(state, before[before.length - 1] ?? null)) tally.inDoubtResolvedNew++;
      else tally.inDoubtResolvedOld++;
    }
    km.acknowledge(state);
    km.verified = true;
  }
}

/** Resolves one worker's keys and upload after a restart, and checks its listing and uploads. */
export async function verifyWorker(client: S3Http, bucket: string, model: WorkerModel, figures: CrashFigures, full = true): Promise<void> {
  const failures = figures.failures;
  await verifyKeys(client, bucket, model.keys, figures, full);
  const listed = await listAll(client, bucket, model.prefix, failures);
  const expected = model.expectedListing();
  for (const [key, size] of expected) {
    if (listed.get(key) !== size) failures.push(`listing: ${key} expected ${size} bytes, listed ${listed.get(key) ?? 'absent'}`);
  }
  for (const key of listed.keys()) if (!expected.has(key)) failures.push(`listing: ${key} listed but deleted or never acknowledged`);

  const upload = model.upload;
  if (upload) {
    const where = `upload ${upload.key}/${upload.uploadId} (${upload.status})`;
    const parts = await listParts(client, bucket, upload.key, upload.uploadId);
    const finalState = model.key(upload.key).certain ?? null;
    const completed = upload.completion !== undefined && sameVersion(finalState, upload.completion);
    if (parts === undefined) {
      if (upload.status === 'open') failures.push(`${where}: upload lost`);
      if (upload.status === 'completing' && !completed) failures.push(`${where}: upload gone but the object is not its result`);
      model.upload = undefined;
    } else {
      if (completed) failures.push(`${where}: object completed but the upload still lists`);
      checkParts(where, upload.parts, parts, failures);
      upload.status = 'open';
      upload.completion = undefined;
    }
  }
  await checkUploadListing(client, bucket, model, failures);
}

/** ListMultipartUploads shows exactly the model's upload, plus uploads whose creation was in doubt (aborted here). */
async function checkUploadListing(client: S3Http, bucket: string, model: WorkerModel, failures: string[]): Promise<void> {
  const o = await client.call({ method: 'GET', path: `/${bucket}`, query: { uploads: '', prefix: model.prefix } });
  if (o.kind !== 'response' || o.status !== 200) {
    failures.push(`ListMultipartUploads ${model.prefix}: ${describeOutcome(o)}`);
    return;
  }
  for (const m of o.body.toString().matchAll(/<Upload>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<UploadId>([^<]*)<\/UploadId>[\s\S]*?<\/Upload>/g)) {
    const [, key = '', uploadId = ''] = m;
    if (model.upload?.uploadId === uploadId) continue;
    if (model.createsInDoubt.has(key)) {
      await client.call({ method: 'DELETE', path: objectPath(bucket, key), query: { uploadId } });
      continue;
    }
    failures.push(`ListMultipartUploads: unknown upload ${key}/${uploadId}`);
  }
  model.createsInDoubt.clear();
}

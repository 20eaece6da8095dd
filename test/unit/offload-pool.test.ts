// The offload pool itself: MD5 of large bodies in bounded batches, the body digester's errors
// unchanged when its MD5 is offloaded, worker errors reaching the caller, and threads that start
// from the sources however tsx was loaded and never keep a process alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { configureOffload, createOffloadedMd5, InOrder, offloadPool, stopOffload } from '../../src/crypto/offload/index.ts';
import { S3Error } from '../../src/domain/errors.ts';
import { createBodyDigester, type BodyDigesterOptions } from '../../src/s3/checksums/index.ts';

const MiB = 1024 * 1024;
const repoRoot = new URL('../../', import.meta.url).pathname;

function requests(): number {
  return offloadPool()?.requests ?? 0;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('InOrder hands results on in start order, stops at the first failure, and holds everyone until it is reported', async () => {
  const got: number[] = [];
  const unobserved: Error[] = [];
  const drain = deferred<void>();
  const runs = new InOrder<number>({ deliver: (n) => got.push(n), unobserved: (e) => unobserved.push(e), drained: () => drain.promise });
  const works = [deferred<number>(), deferred<number>(), deferred<number>(), deferred<number>()];
  for (const w of works) runs.add(w.promise);
  works[2]?.resolve(2);
  works[1]?.resolve(1);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [], 'nothing before the first');
  works[0]?.resolve(0);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [0, 1, 2]);
  works[3]?.reject(new Error('bad run'));
  await new Promise((r) => setImmediate(r));
  // The failure waits for the consumer; meanwhile nobody may go on, even with nothing in flight.
  let settled = false;
  const waiting = runs.below(1).then(() => (settled = true), (e: unknown) => ((settled = true), e));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  drain.resolve();
  assert.match(String(await waiting), /bad run/);
  assert.deepEqual(unobserved, [], 'a waiter saw it');
  await assert.rejects(runs.below(5), /bad run/);
});

test('MD5 on a thread: right digest, at most ~2 MiB in flight', async () => {
  configureOffload({ threads: 2 });
  const data = randomBytes(40 * MiB);
  const md5 = createOffloadedMd5();
  assert.ok(md5);
  let peak = 0;
  for (let at = 0; at < data.length; at += 65536) {
    const wait = md5.update(data.subarray(at, at + 65536));
    peak = Math.max(peak, md5.inFlight);
    if (wait) await wait;
  }
  assert.deepEqual(await md5.digest(), createHash('md5').update(data).digest());
  assert.ok(peak >= 2 * MiB && peak <= 3 * MiB + 65536, `peak ${peak}`);
});

/** Pipes `data` in 16 KiB pieces through a digester; the error (S3 code, message, details) or the result. */
async function digest(options: BodyDigesterOptions, data: Buffer) {
  const digester = createBodyDigester(options);
  const pieces = Array.from({ length: Math.ceil(data.length / 16384) }, (_, i) => data.subarray(i * 16384, (i + 1) * 16384));
  let length = 0;
  try {
    await pipeline(Readable.from(pieces), digester, new Writable({ write(c: Buffer, _e, cb) { length += c.length; cb(); } }));
  } catch (error) {
    assert.ok(error instanceof S3Error, String(error));
    return { code: error.code, message: error.message, details: error.details };
  }
  assert.equal(length, data.length, 'bytes pass through');
  return digester.result();
}

test('the digester behaves the same with its MD5 offloaded as inline', async () => {
  const data = randomBytes(3 * MiB + 5);
  const md5 = createHash('md5').update(data).digest('base64');
  const wrong = createHash('md5').update('x').digest('base64');
  const crc32 = Buffer.alloc(4).toString('base64');
  const cases: Array<[string, BodyDigesterOptions, Buffer]> = [
    ['ETag MD5', { computeMd5: true, expectedLength: data.length }, data],
    ['Content-MD5 matches', { computeMd5: false, contentMd5: md5, expectedLength: data.length }, data],
    ['Content-MD5 mismatch', { computeMd5: true, contentMd5: wrong, expectedLength: data.length }, data],
    ['MD5 and checksum both wrong', { computeMd5: true, contentMd5: wrong, algorithm: 'CRC32', expectedBase64: crc32, expectedLength: data.length }, data],
    ['short body', { computeMd5: true, contentMd5: md5, expectedLength: data.length + 1 }, data],
    ['long body', { computeMd5: true, contentMd5: md5, expectedLength: data.length - 1 }, data],
  ];
  for (const [name, options, body] of cases) {
    const before = requests();
    const offloaded = await digest(options, body);
    assert.ok(requests() > before, `${name}: offloaded`);
    configureOffload({ threads: 0 });
    const inline = await digest(options, body);
    configureOffload({ threads: 2 });
    assert.deepEqual(offloaded, inline, name);
  }
});

test('small bodies are hashed inline, synchronously', async () => {
  const before = requests();
  const data = randomBytes(MiB - 1);
  const result = await digest({ computeMd5: true, expectedLength: data.length }, data);
  assert.deepEqual(result, { size: data.length, md5Hex: createHash('md5').update(data).digest('hex'), checksum: undefined });
  assert.equal(requests(), before);
});

test('errors of the work and of a stopped pool reach the caller', async () => {
  const pool = offloadPool();
  assert.ok(pool);
  const data = new ArrayBuffer(16);
  const badKey = { op: 'seal', key: createSecretKey(randomBytes(16)), partNumber: 1, firstIndex: 0, finalSize: 16, data, length: 16 } as const;
  await assert.rejects(pool.request(badKey, [data]), /offload work failed: .*key/i);
  const md5 = createOffloadedMd5();
  assert.ok(md5);
  md5.update(randomBytes(2 * MiB));
  await stopOffload();
  await assert.rejects(md5.digest(), /offload pool stopped/);
  const again = createOffloadedMd5();
  again?.update(Buffer.from('abc'));
  assert.equal((await again?.digest())?.toString('hex'), createHash('md5').update('abc').digest('hex'));
});

// Encrypts 3 MiB through the threads, prints done and lets the process end by itself.
const childWork = `
  const { createSegmentEncryptor, generateDataKey, generateSegmentSalt } = await import(${JSON.stringify(`${repoRoot}src/crypto/index.ts`)});
  const { configureOffload, offloadPool } = await import(${JSON.stringify(`${repoRoot}src/crypto/offload/index.ts`)});
  configureOffload({ aes: true });
  const enc = createSegmentEncryptor(generateDataKey(), { partNumber: 1, salt: generateSegmentSalt() });
  let n = 0;
  enc.on('data', (c) => { n += c.length; });
  enc.end(Buffer.alloc(3 * 1024 * 1024));
  await new Promise((resolve) => enc.on('end', resolve));
  console.log('done', n, offloadPool().requests > 0);`;

test('threads start from the sources with --import tsx or register(), and never hold the process', () => {
  const register = `const { register } = await import('tsx/esm/api'); register();`;
  for (const [how, args] of [['--import tsx', ['--import', 'tsx', '--input-type=module', '-e', childWork]], ['register()', ['--input-type=module', '-e', register + childWork]]] as const) {
    const child = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.status, 0, `${how}: ${child.stderr}`);
    assert.match(child.stdout, /^done 3146496 true$/m, how);
  }
});

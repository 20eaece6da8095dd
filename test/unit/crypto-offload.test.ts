// The chunked AEAD streams once they run on the offload threads: same bytes as inline, results in
// order under many concurrent streams, at most two runs in flight, and every tamper case caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CHUNK_CIPHER_SIZE as CC,
  CHUNK_PLAIN_SIZE as C,
  createSegmentDecryptor,
  createSegmentEncryptor,
  generateDataKey,
  generateSegmentSalt,
  segmentChunkSpan,
  TamperError,
} from '../../src/crypto/index.ts';
import { configureOffload, offloadPool } from '../../src/crypto/offload/index.ts';

const dek = generateDataKey();
const seg = { partNumber: 7, salt: generateSegmentSalt() };
const MiB = 1024 * 1024;

function pieces(data: Buffer, size: number | 'random'): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const n = size === 'random' ? 1 + Math.floor(Math.random() * 100_000) : size;
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** Pipes pieces through a transform; resolves with what it pushed and the error, if any. */
async function run(transform: Transform, input: Buffer[], onWrite?: () => Promise<void> | void) {
  const got: Buffer[] = [];
  let error: unknown;
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _e, cb) {
      got.push(chunk);
      Promise.resolve(onWrite?.()).then(() => cb(), cb);
    },
  });
  try {
    await pipeline(Readable.from(input, { objectMode: false }), transform, sink);
  } catch (err) {
    error = err;
  }
  return { out: Buffer.concat(got), error };
}

async function encrypt(plain: Buffer, cut: number | 'random' = 16384, s = seg): Promise<Buffer> {
  const { out, error } = await run(createSegmentEncryptor(dek, s), pieces(plain, cut));
  assert.equal(error, undefined);
  return out;
}

function decrypt(cipher: Buffer, plainSize: number, cut: number | 'random' = CC, range?: { start: number; endInclusive: number }) {
  return run(createSegmentDecryptor(dek, { ...seg, plainSize }, range), pieces(cipher, cut));
}

function requests(): number {
  return offloadPool()?.requests ?? 0;
}

test('offloaded ciphertext is byte for byte the inline one, at every size around the switch', async () => {
  // AES runs move only when asked to (off by default: see aesOffloadPool).
  configureOffload({ threads: 2, aes: true });
  for (const size of [16 * C - 1, 16 * C, 16 * C + 1, 17 * C, 32 * C, 32 * C + 1, 48 * C + 5, 5 * MiB + 123]) {
    const plain = randomBytes(size);
    const before = requests();
    const offloaded = await encrypt(plain, 'random');
    const opened = await decrypt(offloaded, size, 'random');
    assert.equal(opened.error, undefined, `size ${size}`);
    assert.ok(opened.out.equals(plain), `size ${size}`);
    assert.equal(requests() > before, size > 16 * C, `offloaded only past 1 MiB (size ${size})`);
    configureOffload({ threads: 0 });
    assert.ok((await encrypt(plain, 'random')).equals(offloaded), `size ${size}`);
    configureOffload({ threads: 2 });
  }
});

test('a 1 MiB object stays inline: no message reaches a thread', async () => {
  const before = requests();
  const plain = randomBytes(MiB);
  const cipher = await encrypt(plain, MiB);
  assert.ok((await decrypt(cipher, MiB, cipher.length)).out.equals(plain));
  assert.equal(requests(), before);
});

test('by default AES-GCM stays on the event loop: no run reaches a thread', async () => {
  configureOffload({ aes: false });
  const before = requests();
  const plain = randomBytes(5 * MiB + 3);
  const cipher = await encrypt(plain, 'random');
  assert.ok((await decrypt(cipher, plain.length, 'random')).out.equals(plain));
  assert.equal(requests(), before);
  configureOffload({ aes: true });
  assert.ok((await encrypt(plain, 'random')).equals(cipher), 'same bytes either way');
  assert.ok(requests() > before);
});

test('order is preserved across many concurrent streams', async () => {
  const plains = Array.from({ length: 12 }, (_, i) => randomBytes(3 * MiB + i * 40_000 + 17));
  const ciphers = await Promise.all(plains.map((p) => encrypt(p, 'random')));
  const opened = await Promise.all(ciphers.map((c, i) => decrypt(c, plains[i]?.length ?? 0, 'random')));
  configureOffload({ threads: 0 });
  const inline = await Promise.all(plains.map((p) => encrypt(p)));
  configureOffload({ threads: 2 });
  opened.forEach((o, i) => {
    assert.equal(o.error, undefined);
    assert.ok(o.out.equals(plains[i] as Buffer), `stream ${i}`);
    assert.ok(ciphers[i]?.equals(inline[i] as Buffer), `stream ${i}`);
  });
});

test('a slow consumer holds at most two runs in flight per stream', async () => {
  const plain = randomBytes(24 * MiB);
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, offloadPool()?.outstanding ?? 0);
  };
  const timer = setInterval(sample, 1);
  const slow = () => new Promise<void>((resolve) => setTimeout(() => (sample(), resolve()), 2));
  const sealed = await run(createSegmentEncryptor(dek, seg), pieces(plain, 16384), slow);
  const opened = await run(createSegmentDecryptor(dek, { ...seg, plainSize: plain.length }), pieces(sealed.out, CC), slow);
  clearInterval(timer);
  assert.ok(opened.out.equals(plain));
  assert.ok(peak >= 1 && peak <= 2, `peak ${peak}`);
});

test('tamper through the offloaded decryptor: flipped bits fail their chunk, earlier chunks go out', async () => {
  const size = 5 * MiB;
  const plain = randomBytes(size);
  const cipher = await encrypt(plain);
  for (const [chunk, offset] of [[40, 10], [70, CC - 1 /* a tag byte */], [79, 5]] as const) {
    const bad = Buffer.from(cipher);
    bad[chunk * CC + offset] = (bad[chunk * CC + offset] ?? 0) ^ 0x01;
    for (const cut of [CC, 'random', bad.length] as const) {
      const { out, error } = await decrypt(bad, size, cut);
      assert.ok(error instanceof TamperError, `chunk ${chunk}`);
      assert.match(error.message, new RegExp(`chunk ${chunk} failed`));
      assert.ok(out.equals(plain.subarray(0, chunk * C)), `chunk ${chunk}, cut ${cut}`);
    }
  }
});

test('tamper through the offloaded decryptor: swap, truncation and extension', async () => {
  const size = 4 * MiB;
  const plain = randomBytes(size);
  const cipher = await encrypt(plain);
  const chunk = (i: number) => cipher.subarray(i * CC, (i + 1) * CC);
  const swapped = Buffer.concat([cipher.subarray(0, 30 * CC), chunk(31), chunk(30), cipher.subarray(32 * CC)]);
  const cases: Array<[string, Buffer, number, Buffer]> = [
    ['swap', swapped, size, plain.subarray(0, 30 * C)],
    ['final chunk dropped', cipher.subarray(0, 63 * CC), size, plain.subarray(0, 63 * C)],
    ['final chunk dropped, size faked', cipher.subarray(0, 63 * CC), 63 * C, plain.subarray(0, 62 * C)],
    ['torn', cipher.subarray(0, cipher.length - 1), size, plain.subarray(0, 63 * C)],
    ['extended', Buffer.concat([cipher, chunk(0)]), size, plain],
    ['extended, size faked', Buffer.concat([cipher, chunk(0)]), size + C, plain.subarray(0, 63 * C)],
  ];
  for (const [name, bytes, claimed, expected] of cases) {
    const { out, error } = await decrypt(bytes, claimed);
    assert.ok(error instanceof TamperError, name);
    assert.ok(out.equals(expected), `${name}: ${out.length} bytes out, ${expected.length} expected`);
  }
});

test('range reads of several MiB through the threads, and a tampered chunk inside one', async () => {
  const size = 6 * MiB + 999;
  const plain = randomBytes(size);
  const cipher = await encrypt(plain);
  const read = (bytes: Buffer, start: number, end: number) => {
    const span = segmentChunkSpan(size, start, end);
    return decrypt(bytes.subarray(span.cipherStart, span.cipherEndInclusive + 1), size, 'random', { start, endInclusive: end });
  };
  for (const [start, end] of [[C + 5, 4 * MiB + 7], [0, size - 1], [3, size - 2], [MiB, 5 * MiB - 1]] as const) {
    const { out, error } = await read(cipher, start, end);
    assert.equal(error, undefined);
    assert.ok(out.equals(plain.subarray(start, end + 1)), `${start}-${end}`);
  }
  const bad = Buffer.from(cipher);
  bad[50 * CC + 3] = (bad[50 * CC + 3] ?? 0) ^ 0x80;
  const { out, error } = await read(bad, 10, 90 * C);
  assert.ok(error instanceof TamperError);
  assert.ok(out.equals(plain.subarray(10, 50 * C)));
});

test('a thread that goes away mid-stream fails the stream; the next stream gets a new thread', async () => {
  const plain = randomBytes(8 * MiB);
  const pool = offloadPool();
  assert.ok(pool);
  const send = pool.request.bind(pool);
  // The first run is posted, then every thread is terminated before it can answer.
  pool.request = (message, transfer) => {
    const reply = send(message, transfer);
    pool.request = send;
    void pool.close();
    return reply;
  };
  const { error } = await run(createSegmentEncryptor(dek, seg), pieces(plain, 16384));
  assert.equal(pool.request, send);
  assert.match(String(error), /offload pool stopped/);
  const cipher = await encrypt(plain);
  assert.ok((await decrypt(cipher, plain.length)).out.equals(plain));
});

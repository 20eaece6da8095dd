// Shared harness basics: short/long mode, seeded randomness, deterministic contents, recorded figures.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCipheriv, createHash } from 'node:crypto';

export const LONG = process.env.COFFER_RELIABILITY === 'long';
export const MODE = LONG ? 'long' : 'short';

/** Picks the short- or long-mode value. */
export const pick = <T>(short: T, long: T): T => (LONG ? long : short);

/** A seeded PRNG (mulberry32): runs are reproducible from the seed they print. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const seedFromEnv = (): number => {
  const given = Number(process.env.COFFER_RELIABILITY_SEED);
  return Number.isInteger(given) && given > 0 ? given : (Date.now() % 1_000_000_007);
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const randInt = (random: () => number, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

export function choose<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('choose from an empty list');
  return item;
}

/**
 * Appends one run's figures as a JSON line to test/reliability/results/<name>.jsonl (ignored by git
 * if the results folder is; the numbers that matter are copied into docs/reliability.md).
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ at: new Date().toISOString(), mode: MODE, ...figures });
  console.log(`[reliability] ${name}: ${line}`);
  const dir = process.env.COFFER_RELIABILITY_RESULTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${name}.jsonl`), `${line}\n`);
}

export interface Content {
  seed: string;
  size: number;
  sha256: string;
}

/** The bytes of a (seed, size) pair; the same pair always gives the same bytes. */
export function bytesOf(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
export const md5Hex = (data: Buffer): string => createHash('md5').update(data).digest('hex');
export const md5Base64 = (data: Buffer | string): string => createHash('md5').update(data).digest('base64');

export function makeContent(seed: string, size: number): { content: Content; data: Buffer } {
  const data = bytesOf(seed, size);
  return { content: { seed, size, sha256: sha256(data) }, data };
}

/** The content of several pieces concatenated (a multipart object). */
export function concatContent(seed: string, pieces: Buffer[]): Content {
  const hash = createHash('sha256');
  let size = 0;
  for (const piece of pieces) {
    hash.update(piece);
    size += piece.length;
  }
  return { seed, size, sha256: hash.digest('hex') };
}

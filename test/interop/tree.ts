// The local folder tree a user would sync (nested folders, unicode and spaced names, an empty file, 20 MiB), and byte comparisons.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

export const BIG_FILE = 'big/random 20MiB.bin';
export const BIG_SIZE = 20 * 1024 * 1024;
/** With 5 MiB parts the big file is uploaded in exactly this many parts. */
export const BIG_PARTS = 4;
export const SMALL_FILE = 'photos/été 2024/crème brûlée.txt';
export const EMPTY_FILE = 'empty.txt';

/** Relative path (always `/`-separated, as the object key) → size; random contents. */
const layout: Record<string, number> = {
  'readme.txt': 1_234,
  [EMPTY_FILE]: 0,
  'docs/nested/deep/notes.md': 40_000,
  [SMALL_FILE]: 777,
  '日本語/ファイル名.txt': 4_096,
  'with space/file with spaces.txt': 65_537,
  'symbols/a+b=c & d (1).txt': 300,
  [BIG_FILE]: BIG_SIZE,
};

export type Tree = Map<string, Buffer>;

export async function makeTree(root: string): Promise<Tree> {
  const tree: Tree = new Map();
  for (const [path, size] of Object.entries(layout)) {
    const data = path.endsWith('.bin') || size === 0 ? randomBytes(size) : Buffer.from(randomBytes(size).toString('base64').slice(0, size));
    const file = join(root, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, data);
    tree.set(path, data);
  }
  return tree;
}

/** Every file under root, keyed by its `/`-separated relative path. */
export async function readTree(root: string): Promise<Tree> {
  const tree: Tree = new Map();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    tree.set(relative(root, file).split(sep).join('/'), await readFile(file));
  }
  return tree;
}

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
export const md5Hex = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** Same paths, and the same bytes under each path (compared by SHA-256 to keep failure messages short). */
export function assertSameTree(actual: Tree, expected: Tree, label: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${label}: file names`);
  for (const [path, data] of expected) {
    const got = actual.get(path);
    assert.ok(got, `${label}: ${path} missing`);
    assert.equal(got.length, data.length, `${label}: size of ${path}`);
    assert.equal(sha256(got), sha256(data), `${label}: bytes of ${path}`);
  }
}

/** Key → size, as a listing should show the tree (optionally under a prefix). */
export function sizesOf(tree: Tree, prefix = ''): Map<string, number> {
  return new Map([...tree].map(([path, data]) => [prefix + path, data.length]));
}

/** Parses listing lines with a regex whose groups are (size, key), in either order given by `sizeFirst`. */
export function parseListing(text: string, pattern: RegExp, sizeFirst = true): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = pattern.exec(line);
    assert.ok(match?.[1] !== undefined && match[2] !== undefined, `unexpected listing line: ${JSON.stringify(line)}`);
    const [size, key] = sizeFirst ? [match[1], match[2]] : [match[2], match[1]];
    found.set(key, Number(size));
  }
  return found;
}

/** The keys named by lines such as `upload: ... to s3://bucket/KEY`, each once. */
export function keysFromLines(text: string, pattern: RegExp): string[] {
  const keys: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = pattern.exec(line);
    if (match?.[1] !== undefined) keys.push(match[1]);
  }
  return keys.sort();
}

export async function writeFileIn(root: string, path: string, data: Buffer): Promise<string> {
  const file = join(root, ...path.split('/'));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
  return file;
}

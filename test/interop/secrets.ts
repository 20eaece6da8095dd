// SSE-C key material as the user guide makes it (`pwgen 32 1`), and the scan proving it never reaches disk or logs.
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestServer } from '../helpers/server.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface CustomerKey {
  /** The 32 characters the user types; their UTF-8 bytes are the AES-256 key. */
  raw: string;
  base64: string;
  md5Base64: string;
  /** Headers for clients that take them verbatim (minio-js, raw HTTP). */
  headers: Record<string, string>;
}

/** Like `pwgen 32 1`: 32 random letters and digits. */
export function pwgen32(): CustomerKey {
  let raw = '';
  for (let i = 0; i < 32; i += 1) raw += ALPHABET[randomInt(ALPHABET.length)];
  const bytes = Buffer.from(raw, 'utf8');
  const base64 = bytes.toString('base64');
  const md5Base64 = createHash('md5').update(bytes).digest('base64');
  return {
    raw, base64, md5Base64,
    headers: {
      'X-Amz-Server-Side-Encryption-Customer-Algorithm': 'AES256',
      'X-Amz-Server-Side-Encryption-Customer-Key': base64,
      'X-Amz-Server-Side-Encryption-Customer-Key-MD5': md5Base64,
    },
  };
}

/** Every spelling of a key that would betray it: raw, base64 (padded, unpadded, URL-encoded), MD5 (base64, hex). */
export function needles(key: CustomerKey): Map<string, Buffer> {
  const bytes = Buffer.from(key.raw, 'utf8');
  const md5 = createHash('md5').update(bytes).digest();
  const spellings: Record<string, string> = {
    raw: key.raw,
    'raw (hex)': bytes.toString('hex'),
    base64: key.base64,
    'base64 (unpadded)': key.base64.replace(/=+$/, ''),
    'base64 (URL-encoded)': encodeURIComponent(key.base64),
    'base64 MD5': key.md5Base64,
    'base64 MD5 (URL-encoded)': encodeURIComponent(key.md5Base64),
    'hex MD5': md5.toString('hex'),
  };
  const found = new Map<string, Buffer>();
  for (const [name, text] of Object.entries(spellings)) found.set(name, Buffer.from(text, 'utf8'));
  found.set('raw MD5 bytes', md5);
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Where any spelling of the keys occurs: in any file under the data folder (metadata database,
 * its journal, blobs, certificates) or in what the server printed. Returns findings, empty when clean.
 */
export async function findLeaks(dataDir: string, output: string, keys: CustomerKey[]): Promise<string[]> {
  const findings: string[] = [];
  const sources: [string, Buffer][] = [['server output', Buffer.from(output, 'utf8')]];
  const files = await filesUnder(dataDir);
  for (const file of files) sources.push([file, await readFile(file)]);
  for (const [index, key] of keys.entries()) {
    for (const [spelling, needle] of needles(key)) {
      for (const [where, content] of sources) {
        if (content.includes(needle)) findings.push(`key #${index + 1} ${spelling} found in ${where}`);
      }
    }
  }
  if (files.length === 0) findings.push(`no files under ${dataDir}: the scan looked at nothing`);
  return findings;
}

/** The last step of an SSE-C suite: stop the server, so all it holds is on disk, then find no key anywhere. */
export async function assertNoKeyLeft(server: TestServer, keys: CustomerKey[]): Promise<void> {
  await server.kill('SIGTERM');
  assert.deepEqual(await findLeaks(server.dataDir, server.output(), keys), []);
}

// Secret-bearing values (signatures, key digests, passwords, tokens) are compared in constant time:
// the comparisons themselves are checked, and no source file compares such a value with === or !==.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { signaturesEqual } from '../../src/s3/auth/canonical-request.ts';
import { Secret } from '../../src/util/secret.ts';

const srcRoot = new URL('../../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

test('signature and secret comparisons give the right answers', () => {
  const signature = 'a'.repeat(64);
  assert.equal(signaturesEqual(signature, signature), true);
  assert.equal(signaturesEqual(signature, `${'a'.repeat(63)}b`), false);
  assert.equal(signaturesEqual(signature, 'a'.repeat(63)), false);
  assert.equal(Secret.fromString('k1').equals(Secret.fromString('k1')), true);
  assert.equal(Secret.fromString('k1').equals(Secret.fromString('k1 ')), false);
});

test('no source file compares a signature, key digest, password, secret or token with === / !==', () => {
  // A comparison of such a value with anything but a literal, undefined or null would leak timing.
  const names = 'signature|Signature|keyMd5|KeyMd5|password|Password|secret|Secret|token|Token';
  const literal = `(?:undefined|null|'[^']*'|"[^"]*"|\\d+)`;
  const risky = new RegExp(
    `\\b\\w*(?:${names})\\w*\\s*[!=]==\\s*(?!${literal})[\\w.(]|(?<!${literal})\\s[!=]==\\s*[\\w.]*(?:${names})\\w*\\b(?!\\()`,
  );
  const found: string[] = [];
  for (const file of sourceFiles(srcRoot)) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (risky.test(line) && !line.trim().startsWith('//')) found.push(`${file.slice(srcRoot.length)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});

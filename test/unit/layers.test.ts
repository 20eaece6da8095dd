// Enforces the import directions of ARCHITECTURE.md over the whole source tree, so they hold
// without review: util imports nothing of ours, crypto only util, domain no I/O or protocol,
// protocol layers never storage or each other, adapters never protocol layers or each other.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const srcRoot = resolve(new URL('../../src', import.meta.url).pathname);
const protocolLayers = ['s3', 'barbican', 'identity', 'admin'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** Top folder of a path under src/ ('' for files directly in src/), plus the adapter folder for storage. */
function layerOf(path: string): string {
  const parts = relative(srcRoot, path).split('/');
  if (parts.length === 1) return '';
  if (parts[0] === 'storage') return parts.slice(0, 3).join('/');
  return parts[0] ?? '';
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? '');
}

function violations(file: string, specs: string[] = importsOf(file)): string[] {
  const from = layerOf(file);
  const found: string[] = [];
  for (const spec of specs) {
    const target = spec.startsWith('.') ? layerOf(resolve(dirname(file), spec)) : `pkg:${spec}`;
    const bad =
      (from === 'util' && !target.startsWith('pkg:') && target !== 'util') ||
      (from === 'crypto' && !target.startsWith('pkg:node:') && target.startsWith('pkg:') && !spec.startsWith('node:')) ||
      (from === 'crypto' && !target.startsWith('pkg:') && !['crypto', 'util'].includes(target)) ||
      (from === 'domain' && (['http', 'config', ...protocolLayers].includes(target) || target.startsWith('storage') ||
        ['pkg:node:fs', 'pkg:node:fs/promises', 'pkg:better-sqlite3', 'pkg:pg', 'pkg:node:http', 'pkg:node:https'].includes(target))) ||
      (protocolLayers.includes(from) && (target.startsWith('storage') || (protocolLayers.includes(target) && target !== from))) ||
      (from.startsWith('storage/') && (protocolLayers.includes(target) || (target.startsWith('storage/') && target !== from && !target.endsWith('contract.ts')))) ||
      (from === 'http' && (protocolLayers.includes(target) || target === 'domain' || target.startsWith('storage')));
    if (bad) found.push(`${relative(srcRoot, file)} imports ${spec}`);
  }
  return found;
}

describe('layer rules', () => {
  it('every import points the allowed way', () => {
    const files = sourceFiles(srcRoot);
    assert.ok(files.length > 20);
    assert.deepEqual(files.flatMap((file) => violations(file)), []);
  });

  it('catches the imports it forbids', () => {
    const forbidden: [string, string][] = [
      ['s3/fake.ts', '../storage/metadata/sqlite/x.ts'],
      ['domain/fake.ts', 'node:fs'],
      ['domain/fake.ts', '../s3/x.ts'],
      ['crypto/fake.ts', '../domain/x.ts'],
      ['util/fake.ts', '../crypto/x.ts'],
      ['storage/blob/fs/fake.ts', '../../metadata/sqlite/x.ts'],
      ['barbican/fake.ts', '../identity/x.ts'],
    ];
    for (const [file, spec] of forbidden) assert.equal(violations(join(srcRoot, file), [spec]).length, 1, `${file} → ${spec}`);
    assert.deepEqual(violations(join(srcRoot, 's3/fake.ts'), ['../domain/x.ts', 'node:stream']), []);
  });
});

#!/usr/bin/env -S node --initial-old-space-size=64
// Entry point for the `coffer` command. Runs the compiled build (dist/, made by `npm run build`)
// when it is at least as new as every source file; otherwise runs the TypeScript sources through
// the tsx loader, so a source change is never hidden behind a stale build. The first line gives node
// the V8 flags the server needs from its start (src/runtime-flags.ts says why).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(root, 'src'))) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}

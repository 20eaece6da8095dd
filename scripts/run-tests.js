// Runs the test suites with node's test runner. node:test does not expand globs or find .ts files
// on Node 20, so the file list is built here, and an empty list is an error, not a silent pass.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
const roots = suites.length > 0 ? suites.map((s) => join('test', s)) : ['test'];

function collect(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...collect(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const files = roots.flatMap(collect);
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
// The reliability suites measure time and memory and take a lock so that two never run at once;
// they run after the rest, one at a time, so no lock wait counts against their timeouts.
const concurrency = process.env.COFFER_TEST_CONCURRENCY ?? '2';
const isReliability = (file) => file.split(/[\\/]/).includes('reliability');
const groups = [
  { files: files.filter((f) => !isReliability(f)), concurrency },
  { files: files.filter(isReliability), concurrency: '1' },
].filter((group) => group.files.length > 0);
let status = 0;
for (const group of groups) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${group.concurrency}`, ...group.files],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);

// The V8 flags the server needs from its start (src/runtime-flags.ts) reach it however a user
// starts it: `npm start`, the `coffer` command (bin/coffer.js's first line); bare node warns.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SERVER_NODE_FLAGS } from '../../src/runtime-flags.ts';
import { startServer } from '../helpers/server.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
const WARNING = /node was started without these flags/;

function nodeArguments(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

describe('server node flags', () => {
  it('are given by npm start and by the coffer command\'s first line', () => {
    const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { scripts: { start: string } };
    const shebang = readFileSync(`${repoRoot}bin/coffer.js`, 'utf8').split('\n')[0] ?? '';
    assert.ok(SERVER_NODE_FLAGS.length > 0);
    for (const flag of SERVER_NODE_FLAGS) {
      assert.match(pkg.scripts.start, new RegExp(`^node .*${flag} .*bin/coffer\\.js serve`), 'npm start');
      assert.match(shebang, new RegExp(`^#!/usr/bin/env -S node .*${flag}`), 'bin/coffer.js');
    }
  });

  it('reach node when bin/coffer.js runs as a program, and no warning is logged', async () => {
    const server = await startServer({ launch: 'executable', env: { COFFER_LOG_LEVEL: 'warn' } });
    try {
      const args = nodeArguments(server.pid);
      for (const flag of SERVER_NODE_FLAGS) assert.ok(args.includes(flag), `${flag} in ${args.join(' ')}`);
      assert.doesNotMatch(server.output(), WARNING);
    } finally {
      await server.stop();
    }
  });

  it('are missed with a warning naming them when node starts the server without them', async () => {
    const server = await startServer({ launch: 'node-without-flags', env: { COFFER_LOG_LEVEL: 'warn' } });
    try {
      assert.match(server.output(), WARNING);
      for (const flag of SERVER_NODE_FLAGS) assert.ok(server.output().includes(flag), server.output());
    } finally {
      await server.stop();
    }
  });
});

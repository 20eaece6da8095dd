// Keeps the benchmark from rotting: runs `npm run bench:smoke` end to end and checks every figure was produced.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const repoRoot = new URL('../../', import.meta.url).pathname;
const LIMIT_MS = 60_000;

interface SmokeResult {
  figures: Record<string, { value: number; unit: string; detail?: Record<string, unknown> }>;
  skipped: Record<string, string>;
  missing: string[];
  notes: string[];
  rows: { figure: string; ids: string[]; coffer: string; neighbour: string; ratio?: number }[];
}

function runSmoke(out: string): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // SIGINT lets the harness stop its servers and remove its data folders before it exits.
    const timer = setTimeout(() => child.kill('SIGINT'), LIMIT_MS + 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

test('the benchmark smoke mode produces every figure of the table', { timeout: LIMIT_MS + 20_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'coffer-bench-smoke-'));
  try {
    const run = await runSmoke(out);
    assert.equal(run.code, 0, run.output);
    assert.ok(run.ms < LIMIT_MS, `smoke run took ${run.ms} ms (limit ${LIMIT_MS})`);
    const result = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as SmokeResult;
    assert.ok(existsSync(join(out, 'latest.md')), 'latest.md written');

    assert.deepEqual(result.missing, [], 'figures named by the table but not produced');
    const ids = Object.keys(result.figures);
    assert.ok(ids.length > 80, `only ${ids.length} figures`);
    for (const [id, figure] of Object.entries(result.figures)) {
      assert.ok(Number.isFinite(figure.value) && figure.value > 0, `${id} = ${figure.value} ${figure.unit}`);
    }
    // The memory figure names each run's peak and splits it, so a reader can tell heaps and
    // buffers (anonymous) from the node binary and SQLite's map (file-backed).
    const byPhase = String(result.figures['coffer.rss.peak']?.detail?.peakByPhaseMiB);
    assert.match(byPhase, /^start \d+ \(anon \d+, file \d+\), put plain ×1 \d+ \(anon \d+, file \d+\)/);
    // Only the aws CLI may be absent, and only when it is not installed.
    for (const id of Object.keys(result.skipped)) {
      assert.match(id, /^coffer\.awscli\./, `${id} skipped: ${result.skipped[id]}`);
      assert.ok(!existsSync('/usr/bin/aws'), `${id} skipped although /usr/bin/aws exists`);
    }
    // Every request must have succeeded and every listing page must hold what was stored;
    // otherwise the numbers describe errors, not work.
    assert.deepEqual(result.notes, []);
    for (const row of result.rows) {
      if (row.coffer === '—' || row.ids.some((id) => id in result.skipped)) continue;
      assert.ok(!row.coffer.includes('n/a') && !row.neighbour.includes('n/a'), `row without a figure: ${row.figure}`);
      assert.ok(row.ratio !== undefined && Number.isFinite(row.ratio) && row.ratio > 0, `row without a ratio: ${row.figure}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// Renders one run as a terminal table and as markdown, and writes the JSON and markdown results.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure } from './figures.ts';
import type { Machine } from './machine.ts';
import type { Row } from './report.ts';

export interface RunResult {
  startedAt: string;
  wallSeconds: number;
  mode: string;
  machine: Machine;
  load: { before: number[]; after: number[]; otherCpuPercent: number };
  contention: string | undefined;
  peer: string;
  figures: Record<string, Figure>;
  skipped: Record<string, string>;
  /** Figures the table names that this run did not produce and did not skip: must be empty. */
  missing: string[];
  notes: string[];
  phases: Record<string, number>;
  rows: Row[];
}

const HEAD = ['figure', 'Coffer', 'limit or peer', 'ratio', 'goal'];

function cells(row: Row): string[] {
  // "per round": the median of the ratios of rounds run side by side, not the ratio of the medians.
  const ratio = row.ratio === undefined ? '' : `${row.ratio >= 10 ? row.ratio.toFixed(0) : row.ratio.toFixed(2)}×${row.perRound ? ' per round' : ''}`;
  const goal = row.goal ? `${row.goal} ${row.met === undefined ? '' : row.met ? '✓' : '✗'}`.trim() : '';
  return [row.figure, row.coffer, row.neighbour, ratio, goal];
}

function header(result: RunResult): string[] {
  const m = result.machine;
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.kernel}`,
    `disk (data folder): ${m.disk}`,
    `run: ${result.startedAt}, ${result.mode}, wall time ${Math.round(result.wallSeconds)} s; peer: ${result.peer}`,
    `load: ${result.contention ?? `not contended (other processes used ${result.load.otherCpuPercent}% of the CPUs; load average ${result.load.before.join(' / ')} before)`}`,
  ];
}

export function renderText(result: RunResult): string {
  const rows = result.rows.map(cells);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [...header(result), '', line(HEAD), widths.map((w) => '-'.repeat(w)).join('  ')];
  let section = '';
  result.rows.forEach((row, i) => {
    if (row.section !== section) {
      section = row.section;
      out.push(`[${section}]`);
    }
    out.push(line(rows[i] ?? []));
  });
  out.push(...tail(result));
  return out.join('\n');
}

function tail(result: RunResult): string[] {
  const out: string[] = [];
  for (const [id, reason] of Object.entries(result.skipped)) out.push(`skipped ${id}: ${reason}`);
  if (result.missing.length > 0) out.push(`MISSING figures: ${result.missing.join(', ')}`);
  for (const note of result.notes) out.push(`note: ${note}`);
  return out;
}

export function renderMarkdown(result: RunResult): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const out = [...header(result).map((l) => `- ${l}`), '', `| ${HEAD.join(' | ')} |`, '| --- | ---: | --- | ---: | --- |'];
  let section = '';
  for (const row of result.rows) {
    if (row.section !== section) {
      section = row.section;
      out.push(`| **${section}** | | | | |`);
    }
    out.push(`| ${cells(row).map(esc).join(' | ')} |`);
  }
  const extra = tail(result);
  if (extra.length > 0) out.push('', ...extra.map((l) => `- ${l}`));
  return `${out.join('\n')}\n`;
}

/** `<timestamp>.json/.md` plus `latest.json/.md`; returns the paths written. */
export function writeResults(dir: string, result: RunResult): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const md = renderMarkdown(result);
  const files: [string, string][] = [[`${stamp}.json`, json], [`${stamp}.md`, md], ['latest.json', json], ['latest.md', md]];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}

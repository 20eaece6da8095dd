// The table: every Coffer figure beside a machine limit, the peer or the plain case, with the ratio issue 5 asks for.
import { ratioOf, serial, type Figure, type Figures } from './figures.ts';
import { TWO_CHUNKS } from './ssec.ts';

export interface Row {
  section: string;
  /** The figures this row shows (the Coffer one first). */
  ids: string[];
  figure: string;
  coffer: string;
  neighbour: string;
  ratio: number | undefined;
  /** The ratio is the median of per-round ratios (both figures ran side by side in each round). */
  perRound?: boolean | undefined;
  goal: string;
  met: boolean | undefined;
}

type Ref = string | { value: number; label: string; unit: Figure['unit'] };
interface Goal { op: '>=' | '<=' | '>'; value: number }

/** Limits derived from measured ones: the bare server plus the per-byte work Coffer cannot skip. */
export function deriveLimits(figures: Figures): void {
  const put = figures.value('limit.bare.put');
  const get = figures.value('limit.bare.get');
  const md5 = figures.value('limit.md5');
  const aes = figures.value('limit.aes');
  if (put && md5) figures.set('limit.adj.put.plain', { label: 'bare PUT + MD5 on the same core (plain PUT limit)', value: serial(put, md5), unit: 'MiB/s' });
  if (put && aes) figures.set('limit.adj.put.sse', { label: 'bare PUT + AES-GCM on the same core (SSE-C PUT limit)', value: serial(put, aes), unit: 'MiB/s' });
  if (get && aes) figures.set('limit.adj.get.sse', { label: 'bare GET + AES-GCM on the same core (SSE-C GET limit)', value: serial(get, aes), unit: 'MiB/s' });
}

function show(f: Figure | undefined, figures: Figures, id?: string): string {
  if (!f) return 'n/a';
  const v = f.value;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  const n = v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  if (f.unit === 'req/s') {
    const p50 = id ? figures.value(`${id}.p50`) : undefined;
    const p99 = id ? figures.value(`${id}.p99`) : undefined;
    const cpu = f.detail?.serverCpuMicrosPerRequest;
    // CPU per request of the server: what a rate costs, independent of how the machine was shared.
    const perRequest = typeof cpu === 'number' ? `, server ${cpu} µs CPU/req` : '';
    return p50 === undefined || p99 === undefined ? `${n}/s` : `${n}/s (p50 ${p50.toFixed(1)}, p99 ${p99.toFixed(1)} ms${perRequest})`;
  }
  const server = f.detail?.serverCpuPercent;
  const client = f.detail?.clientCpuPercent;
  // Where the time went: a client near 100% bounds the figure, an idle server is waiting on something.
  if (typeof server === 'number' && typeof client === 'number') return `${n} ${f.unit} (CPU server ${server}%, client ${client}%)`;
  return f.unit === 'bytes' ? `${n} B` : `${n} ${f.unit}`;
}

/** The table's rows, and every figure id they name (so a missing figure is an error, not a blank). */
export function buildRows(figures: Figures, peerName: string): { rows: Row[]; referenced: Set<string> } {
  const rows: Row[] = [];
  const referenced = new Set<string>();
  let section = '';
  const row = (figure: string, cofferId: string | undefined, ref: Ref | undefined, goal?: Goal, name?: string): void => {
    const ids = [cofferId, typeof ref === 'string' ? ref : undefined].filter((id): id is string => id !== undefined);
    for (const id of ids) referenced.add(id);
    const mine = cofferId ? figures.get(cofferId) : undefined;
    const theirs = typeof ref === 'string' ? figures.get(ref) : ref ? { label: ref.label, value: ref.value, unit: ref.unit } : undefined;
    const measured = mine && theirs ? ratioOf(mine, theirs) : undefined;
    const ratio = measured?.ratio;
    const neighbourText = typeof ref === 'string' ? `${show(theirs, figures, ref)} ${name ?? refName(ref, peerName)}`.trim() : '';
    rows.push({
      section, ids, figure,
      coffer: cofferId ? show(mine, figures, cofferId) : '—',
      neighbour: typeof ref === 'object' ? `${ref.label}` : neighbourText,
      ratio,
      perRound: measured?.perRound,
      goal: goal ? `${goal.op} ${goal.value}` : '',
      met: goal && ratio !== undefined ? (goal.op === '>=' ? ratio >= goal.value : goal.op === '>' ? ratio > goal.value : ratio <= goal.value) : undefined,
    });
  };

  section = 'machine limits';
  for (const id of ['limit.aes', 'limit.md5', 'limit.sha256', 'limit.memory.fresh', 'limit.memory.touched', 'limit.disk', 'limit.disk.4', 'limit.bare.put', 'limit.bare.get',
    'limit.bare.store.md5', 'limit.bare.store.aes', 'limit.adj.put.plain', 'limit.adj.put.sse', 'limit.adj.get.sse', 'limit.bare.small.put.16', 'limit.bare.small.get.16', 'limit.bare.small.head.16', 'limit.sdk.small.get.16']) {
    row(figures.get(id)?.label ?? id, undefined, id);
  }

  section = 'large objects';
  const L = (op: string, mode: string, n: number) => `coffer.large.${op}.${mode}.${n}`;
  row('PUT plain, 1 stream', L('put', 'plain', 1), 'limit.bare.put');
  row('PUT plain, 1 stream', L('put', 'plain', 1), 'limit.adj.put.plain', { op: '>=', value: 0.7 });
  row('PUT plain, 1 stream', L('put', 'plain', 1), 'limit.bare.store.md5', undefined, '(bare https, storing)');
  row('PUT plain, 1 stream', L('put', 'plain', 1), 'peer.large.put.plain.1');
  row('GET plain, 1 stream (no per-byte work to add)', L('get', 'plain', 1), 'limit.bare.get', { op: '>=', value: 0.7 });
  row('GET plain, 1 stream', L('get', 'plain', 1), 'peer.large.get.plain.1');
  for (const op of ['put', 'get'] as const) {
    const OP = op.toUpperCase();
    row(`${OP} SSE-C, 1 stream`, L(op, 'sse', 1), `limit.bare.${op}`);
    row(`${OP} SSE-C, 1 stream`, L(op, 'sse', 1), `limit.adj.${op}.sse`, { op: '>=', value: 0.7 });
    if (op === 'put') row('PUT SSE-C, 1 stream', L('put', 'sse', 1), 'limit.bare.store.aes', undefined, '(bare https, storing)');
    row(`${OP} SSE-C vs plain, 1 stream`, L(op, 'sse', 1), L(op, 'plain', 1), { op: '>=', value: 0.85 });
    row(`${OP} SSE-C vs plain, 4 streams`, L(op, 'sse', 4), L(op, 'plain', 4), { op: '>=', value: 0.85 });
  }
  for (const mode of ['plain', 'sse'] as const) {
    for (const op of ['put', 'get'] as const) {
      row(`${op.toUpperCase()} ${mode === 'sse' ? 'SSE-C' : 'plain'}, 4 streams vs 1`, L(op, mode, 4), L(op, mode, 1), { op: '>', value: 1 }, '(1 stream)');
    }
  }
  // What the disk alone gives four writers against one: the bound of the PUT rows above.
  row('disk alone, 4 files at once vs 1', 'limit.disk.4', 'limit.disk', undefined, '(1 file)');
  row(figures.get('coffer.multipart.put')?.label.replace(/^Coffer /, '') ?? 'multipart upload', 'coffer.multipart.put', 'limit.adj.put.plain');
  row('aws s3 cp upload', 'coffer.awscli.put', L('put', 'plain', 1), undefined, '(SDK PUT, 1 stream)');
  row('aws s3 cp download', 'coffer.awscli.get', L('get', 'plain', 1), undefined, '(SDK GET, 1 stream)');
  row('peak resident memory (large runs)', 'coffer.rss.peak', { value: 200, label: '200 MiB', unit: 'MiB' }, { op: '<=', value: 1 });
  row('peak resident memory (large runs)', 'coffer.rss.peak', 'peer.rss.peak');

  section = 'small objects (4 KiB)';
  const targets: Record<string, number> = { put: 2000, get: 8000 };
  for (const op of ['put', 'get', 'head'] as const) {
    for (const clients of [1, 16, 64]) {
      const id = `coffer.small.${op}.plain.${clients}`;
      const name = `${op.toUpperCase()} plain, ${clientsText(clients)}`;
      row(name, id, `limit.bare.small.${op}.16`);
      if (clients === 16) {
        const target = targets[op];
        if (target) row(name, id, { value: target, label: `${target.toLocaleString('en-US')}/s (issue 5)`, unit: 'req/s' }, { op: '>=', value: 1 });
        row(name, id, `peer.small.${op}.plain.16`, { op: '>=', value: 3 });
        row(`${name}: p99`, `${id}.p99`, { value: 50, label: '50 ms', unit: 'ms' }, { op: '<=', value: 1 });
      }
    }
    for (const clients of [1, 16, 64]) {
      row(`${op.toUpperCase()} SSE-C vs plain, ${clientsText(clients)}`, `coffer.small.${op}.sse.${clients}`, `coffer.small.${op}.plain.${clients}`);
    }
  }

  section = 'listing';
  for (const kind of ['flat', 'root', 'folder'] as const) {
    const label = figures.get(`coffer.list.${kind}`)?.label.replace(/^Coffer /, '') ?? kind;
    row(label, `coffer.list.${kind}`, { value: 50, label: '50 ms', unit: 'ms' }, { op: '<=', value: 1 });
    row(label, `coffer.list.${kind}`, `peer.list.${kind}`);
  }

  section = 'SSE-C specifics';
  row('1-byte range GET, middle of the large object: latency', 'coffer.range.latency', 'coffer.small.get.sse.1.p50');
  row('1-byte range GET: bytes read by the server', 'coffer.range.rchar', { value: TWO_CHUNKS, label: `two chunks (${TWO_CHUNKS.toLocaleString('en-US')} B)`, unit: 'bytes' }, { op: '<=', value: 1 });
  row('key rotation by self-copy', 'coffer.rotate', { value: 50, label: '50 ms', unit: 'ms' }, { op: '<=', value: 1 });
  return { rows, referenced };
}

const clientsText = (n: number): string => (n === 1 ? '1 client' : `${n} clients`);

function refName(id: string, peerName: string): string {
  if (id.startsWith('peer.')) return `(${peerName})`;
  if (id.startsWith('limit.adj.')) return '(bare + per-byte work)';
  if (id.startsWith('limit.bare.small')) return '(bare https, 16 clients)';
  if (id.startsWith('limit.sdk')) return '(SDK, bare https)';
  if (id.startsWith('limit.bare')) return '(bare https)';
  if (id === 'coffer.small.get.sse.1.p50') return '(4 KiB SSE-C GET p50, 1 client)';
  if (id.includes('.sse.') || id.includes('.plain.')) return id.includes('.plain.') ? '(Coffer plain)' : '(Coffer SSE-C)';
  return '';
}

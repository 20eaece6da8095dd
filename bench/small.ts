// Small objects: 4 KiB PUT, GET and HEAD from N keep-alive clients (lean SigV4 client) for a fixed time; rate, p50, p99.
import { inParallel, type SseKey } from './client.ts';
import { LeanS3 } from './lean-client.ts';
import { smallBody } from './transfer.ts';
import { closedLoop, Figures, percentile } from './figures.ts';
import { cpuSeconds, processTree } from './procfs.ts';
import type { Target } from './servers.ts';

export const SMALL_SIZE = 4096;

export interface CellSpec {
  bucket: string;
  op: 'put' | 'get' | 'head';
  clients: number;
  seconds: number;
  /** Existing keys that GET and HEAD cycle through; PUT writes new keys under the first. */
  keys: string[];
  sse: SseKey | undefined;
  /** The server's process: its CPU time per request goes into the figure's detail. */
  serverPid: number;
}

/**
 * A client with `clients` keep-alive connections, all opened (TLS handshakes done) before any clock
 * starts: the figures are about requests on open connections, like N users of one endpoint.
 */
export async function warmClient(target: Target, bucket: string, clients: number, key: string): Promise<LeanS3> {
  const client = new LeanS3(target, clients);
  // Any answer opens the connection; a 404 for a key that does not exist yet is fine.
  await Promise.all(Array.from({ length: clients }, () => client.send('HEAD', bucket, key)));
  return client;
}

/** One cell on a warm client: records `<id>` (req/s), `<id>.p50` and `<id>.p99` (ms). */
export async function smallCell(figures: Figures, id: string, label: string, client: LeanS3, spec: CellSpec): Promise<void> {
  const body = smallBody(SMALL_SIZE);
  const keyOf = (worker: number, i: number): string => spec.keys[(worker * 7 + i) % spec.keys.length] as string;
  const request = async (worker: number, i: number): Promise<void> => {
    if (spec.op === 'put') {
      await client.ok('PUT', spec.bucket, `${spec.keys[0]}/put-${spec.clients}-${worker}-${i}`, body, spec.sse);
    } else if (spec.op === 'get') {
      const res = await client.ok('GET', spec.bucket, keyOf(worker, i), undefined, spec.sse);
      if (res.bytes !== SMALL_SIZE) throw new Error(`short GET: ${res.bytes} bytes`);
    } else {
      await client.ok('HEAD', spec.bucket, keyOf(worker, i), undefined, spec.sse);
    }
  };
  const tree = processTree(spec.serverPid);
  const serverCpu0 = cpuSeconds(tree);
  const clientCpu0 = process.cpuUsage();
  const run = await closedLoop(spec.clients, spec.seconds * 1000, request);
  // CPU per request, server and client: on a machine they share, their sum bounds the rate.
  const serverMicros = ((cpuSeconds(processTree(spec.serverPid)) - serverCpu0) * 1e6) / Math.max(1, run.latencies.length);
  const clientUsage = process.cpuUsage(clientCpu0);
  const clientMicros = (clientUsage.user + clientUsage.system) / Math.max(1, run.latencies.length);
  const rate = run.latencies.length / (run.elapsed / 1000);
  const p50 = percentile(run.latencies, 50);
  const p99 = percentile(run.latencies, 99);
  const detail = {
    clients: spec.clients, requests: run.latencies.length, errors: run.errors, p50: +p50.toFixed(2), p99: +p99.toFixed(2),
    serverCpuMicrosPerRequest: Math.round(serverMicros), clientCpuMicrosPerRequest: Math.round(clientMicros),
    ...(run.firstError ? { firstError: run.firstError } : {}),
  };
  figures.set(id, { label, value: rate, unit: 'req/s', detail });
  figures.set(`${id}.p50`, { label: `${label}: p50`, value: p50, unit: 'ms' });
  figures.set(`${id}.p99`, { label: `${label}: p99`, value: p99, unit: 'ms' });
}

/** Writes the keys GET and HEAD read (setup, not measured). */
export async function smallPool(target: Target, bucket: string, prefix: string, sse: SseKey | undefined, count: number): Promise<string[]> {
  const client = new LeanS3(target, 16);
  const keys = Array.from({ length: count }, (_, i) => `${prefix}/${i}`);
  try {
    await inParallel(keys, 16, async (key) => {
      await client.ok('PUT', bucket, key, smallBody(SMALL_SIZE), sse);
    });
  } finally {
    client.destroy();
  }
  return keys;
}

export interface SmallPlan {
  target: Target;
  bucket: string;
  /** Figure id prefix: `coffer.small` or `peer.small`. */
  prefix: string;
  modes: { name: 'plain' | 'sse'; sse: SseKey | undefined }[];
  clients: number[];
  seconds: number;
  poolKeys: number;
  /** Rounds of the 16-client cells (the ones with goals); each figure is the median round. */
  goalRounds: number;
}

/** The concurrency the goals of issue 5 are set at. */
const GOAL_CLIENTS = 16;

/**
 * Runs the small-object cells of every plan (Coffer and the peer). Goal cells (16 clients) run in
 * rounds, and each round visits every plan in turn, so that Coffer and its peer see the same spells
 * of a shared machine: on the development VM a 5 s cell swings by ±15% and whole minutes by ±30%.
 * Every cell gets freshly warmed connections, so none can have been closed by an idle server.
 */
export async function runSmall(figures: Figures, plans: SmallPlan[]): Promise<void> {
  const pools = new Map<SmallPlan, Map<string, string[]>>();
  for (const plan of plans) {
    const byMode = new Map<string, string[]>();
    for (const mode of plan.modes) byMode.set(mode.name, await smallPool(plan.target, plan.bucket, `small-${mode.name}`, mode.sse, plan.poolKeys));
    pools.set(plan, byMode);
  }
  const concurrencies = [...new Set(plans.flatMap((plan) => plan.clients))].sort((a, b) => a - b);
  for (const clients of concurrencies) {
    const taking = plans.filter((plan) => plan.clients.includes(clients));
    const rounds = clients === GOAL_CLIENTS ? Math.max(...taking.map((plan) => plan.goalRounds)) : 1;
    const byRound = new Map<string, Figures[]>();
    for (let round = 0; round < rounds; round++) {
      for (const plan of taking) {
        for (const [id, cell] of await planCells(plan, clients, pools.get(plan) ?? new Map())) {
          byRound.set(id, [...(byRound.get(id) ?? []), cell]);
        }
      }
    }
    for (const [id, cells] of byRound) keepMedianRound(figures, id, cells, `small.${clients}`);
  }
}

/** One pass over a plan's cells at one concurrency (every mode, PUT then GET then HEAD) on one warm client. */
async function planCells(plan: SmallPlan, clients: number, pools: Map<string, string[]>): Promise<[string, Figures][]> {
  const who = plan.target.name === 'coffer' ? 'Coffer' : 's3rver';
  const client = await warmClient(plan.target, plan.bucket, clients, 'small-warm');
  const cells: [string, Figures][] = [];
  try {
    for (const mode of plan.modes) {
      for (const op of ['put', 'get', 'head'] as const) {
        const label = `${who} 4 KiB ${op.toUpperCase()} ${mode.name === 'sse' ? 'SSE-C' : 'plain'}, ${clients === 1 ? '1 client' : `${clients} clients`}`;
        const id = `${plan.prefix}.${op}.${mode.name}.${clients}`;
        const cell = new Figures();
        await smallCell(cell, id, label, client, {
          bucket: plan.bucket, op, clients, seconds: plan.seconds, keys: pools.get(mode.name) ?? [], sse: mode.sse, serverPid: plan.target.pid,
        });
        cells.push([id, cell]);
      }
    }
  } finally {
    client.destroy();
  }
  return cells;
}

/** Copies the round with the median rate (its rate, p50 and p99 together) and lists every round's rate. */
function keepMedianRound(figures: Figures, id: string, cells: Figures[], group: string): void {
  const sorted = [...cells].sort((a, b) => (a.value(id) ?? 0) - (b.value(id) ?? 0));
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as Figures;
  for (const [cellId, figure] of median.all) {
    if (cells.length === 1 || cellId !== id) {
      figures.set(cellId, figure);
      continue;
    }
    // Failed requests of any round are reported, not only those of the round kept.
    const errors = cells.reduce((sum, c) => sum + Number(c.get(id)?.detail?.errors ?? 0), 0);
    const firstError = cells.map((c) => c.get(id)?.detail?.firstError).find((e) => e !== undefined);
    const rounds = cells.map((c) => (c.value(id) ?? 0).toFixed(0)).join(' / ');
    figures.set(cellId, {
      ...figure,
      detail: { ...figure.detail, errors, ...(firstError !== undefined ? { firstError } : {}), rounds },
      rounds: { group, values: cells.map((c) => c.value(id) ?? 0) },
    });
  }
}

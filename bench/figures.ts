// The benchmark's measurements: named figures with units, timing helpers and latency percentiles.

export type Unit = 'MiB/s' | 'req/s' | 'ms' | 'MiB' | 'bytes';

export interface Figure {
  label: string;
  value: number;
  unit: Unit;
  /** Anything a reader needs to trust the number (sizes, CPU use, errors, p50/p99 of a cell). */
  detail?: Record<string, number | string> | undefined;
  /** Every round's value, for a cell run in rounds; cells of one `group` ran side by side in each round. */
  rounds?: { group: string; values: number[] } | undefined;
}

/**
 * The ratio of two figures. When both ran side by side in the same rounds it is the median of the
 * per-round ratios (a slow spell of the machine then weighs on both sides of each ratio); otherwise
 * the ratio of the two values.
 */
export function ratioOf(mine: Figure, theirs: Figure): { ratio: number; perRound: boolean } {
  const a = mine.rounds;
  const b = theirs.rounds;
  if (!a || !b || a.group !== b.group || a.values.length !== b.values.length || a.values.length < 2) {
    return { ratio: mine.value / theirs.value, perRound: false };
  }
  const ratios = a.values.map((value, round) => value / (b.values[round] as number)).sort((x, y) => x - y);
  const middle = (ratios.length - 1) / 2;
  return { ratio: ((ratios[Math.floor(middle)] as number) + (ratios[Math.ceil(middle)] as number)) / 2, perRound: true };
}

/** All figures of one run, by id. A figure that could not be measured is listed in `skipped`. */
export class Figures {
  readonly all = new Map<string, Figure>();
  readonly skipped = new Map<string, string>();
  /** Things a reader must know about this run (wrong listing counts, request errors). */
  readonly notes: string[] = [];

  set(id: string, figure: Figure): Figure {
    this.all.set(id, figure);
    return figure;
  }

  skip(id: string, reason: string): void {
    this.skipped.set(id, reason);
  }

  get(id: string): Figure | undefined {
    return this.all.get(id);
  }

  value(id: string): number | undefined {
    return this.all.get(id)?.value;
  }
}

export const MiB = 1024 * 1024;

export function now(): number {
  return performance.now();
}

/** Throughput in MiB/s of `bytes` moved in `ms` milliseconds. */
export function mibps(bytes: number, ms: number): number {
  return bytes / MiB / (ms / 1000);
}

/** The p-th percentile (0–100) of samples, nearest-rank; samples are sorted in place. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  samples.sort((a, b) => a - b);
  const rank = Math.min(samples.length - 1, Math.max(0, Math.ceil((p / 100) * samples.length) - 1));
  return samples[rank] ?? Number.NaN;
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

/**
 * Throughput of two stages done one after the other by the same core: their times per byte add.
 * This is how the bare-server limit is "adjusted" for per-byte work Coffer cannot avoid.
 */
export function serial(...rates: number[]): number {
  return 1 / rates.reduce((sum, rate) => sum + 1 / rate, 0);
}

/** Runs `fn` for `ms` milliseconds of wall time from `workers` loops; returns every call's latency. */
export async function closedLoop(
  workers: number, ms: number, fn: (worker: number, i: number) => Promise<void>,
): Promise<{ latencies: number[]; errors: number; firstError: string | undefined; elapsed: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = now();
  const deadline = start + ms;
  await Promise.all(Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; now() < deadline; i++) {
      const t0 = now();
      try {
        await fn(worker, i);
        latencies.push(now() - t0);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // A failing server answers fast; pause so errors do not spin the harness.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }));
  return { latencies, errors, firstError, elapsed: now() - start };
}

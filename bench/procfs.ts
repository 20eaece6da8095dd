// What the kernel says about a server process tree: resident memory, bytes read, CPU time (/proc).
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux.

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // The process ended between listing and reading.
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may itself contain spaces). */
function statFields(pid: number): string[] | undefined {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return undefined;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** The pid and every descendant: a server that forks workers is measured as a whole. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = Number(statFields(Number(name))?.[1]);
    if (!Number.isFinite(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The direct child of this process whose command line contains `marker` (e.g. its data folder). */
export function findChild(marker: string): number | undefined {
  for (const pid of processTree(process.pid).slice(1)) {
    const cmdline = read(`/proc/${pid}/cmdline`)?.replaceAll('\0', ' ') ?? '';
    if (cmdline.includes(marker)) return pid;
  }
  return undefined;
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(read(`/proc/${pid}/status`) ?? '');
  return match?.[1] ? Number(match[1]) : 0;
}

export interface IoCounters {
  rchar: number;
  readBytes: number;
}

export function ioCounters(pids: number[]): IoCounters {
  const sum: IoCounters = { rchar: 0, readBytes: 0 };
  for (const pid of pids) {
    const text = read(`/proc/${pid}/io`) ?? '';
    sum.rchar += Number(/^rchar: (\d+)/m.exec(text)?.[1] ?? 0);
    sum.readBytes += Number(/^read_bytes: (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return sum;
}

/** CPU seconds (user + system) the tree has used so far. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    // utime and stime are fields 14 and 15 of stat; we dropped the first two.
    ticks += Number(fields?.[11] ?? 0) + Number(fields?.[12] ?? 0);
  }
  return ticks / PAGE_TICKS;
}

/**
 * Samples the tree's summed VmRSS every 50 ms. Spikes between samples are caught by VmHWM, the
 * kernel's own high-water mark of each process, read when sampling stops.
 */
export class MemorySampler {
  #peakKiB = 0;
  /**
   * Sampled peak of each phase named by phase(), so a reader sees which run sets the figure, with
   * its anonymous and file-backed parts (heaps and buffers vs the node binary and SQLite's map).
   */
  readonly #phasePeaksKiB = new Map<string, { rss: number; anon: number; file: number }>();
  #phase = 'start';
  #timer: NodeJS.Timeout | undefined;
  #tree: number[];
  #ticks = 0;
  readonly root: number;
  /** Resident memory when sampling started: the server's idle footprint. */
  readonly startMiB: number;

  constructor(root: number) {
    this.root = root;
    this.#tree = processTree(root);
    this.startMiB = this.#tree.reduce((sum, pid) => sum + statusKiB(pid, 'VmRSS'), 0) / 1024;
  }

  start(): void {
    this.#timer = setInterval(() => {
      // A pid scan costs more than a status read; refresh the tree once a second.
      if (++this.#ticks % 20 === 0) this.#tree = processTree(this.root);
      this.#sample();
    }, 50);
    this.#timer.unref();
  }

  #sample(): void {
    const sum = (field: 'VmRSS' | 'RssAnon' | 'RssFile') => this.#tree.reduce((kib, pid) => kib + statusKiB(pid, field), 0);
    const total = sum('VmRSS');
    this.#peakKiB = Math.max(this.#peakKiB, total);
    if (total > (this.#phasePeaksKiB.get(this.#phase)?.rss ?? -1)) {
      this.#phasePeaksKiB.set(this.#phase, { rss: total, anon: sum('RssAnon'), file: sum('RssFile') });
    }
  }

  /** Names the run that follows; samples from now on count towards its peak. */
  phase(name: string): void {
    this.#sample();
    this.#phase = name;
  }

  /** Sampled peak per phase in MiB, in the order the phases first ran: "start 92 (anon 44, file 48), …". */
  phasePeaks(): string {
    const mib = (kib: number) => Math.round(kib / 1024);
    return [...this.#phasePeaksKiB]
      .map(([name, { rss, anon, file }]) => `${name} ${mib(rss)} (anon ${mib(anon)}, file ${mib(file)})`)
      .join(', ');
  }

  /**
   * Stops sampling; returns the peak of the sampled sums and the largest single-process VmHWM, in
   * MiB, and the processes summed (tsx's esbuild helper, workers), so a reader sees what was counted.
   */
  stop(): { sampledMiB: number; hwmMiB: number; processes: string } {
    if (this.#timer) clearInterval(this.#timer);
    this.#sample();
    const tree = processTree(this.root);
    const hwm = Math.max(...tree.map((pid) => statusKiB(pid, 'VmHWM')));
    const processes = tree.map((pid) => `${read(`/proc/${pid}/comm`)?.trim() ?? '?'} ${(statusKiB(pid, 'VmRSS') / 1024).toFixed(0)} MiB`).join(', ');
    return { sampledMiB: this.#peakKiB / 1024, hwmMiB: hwm / 1024, processes };
  }
}

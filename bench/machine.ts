// What the figures were measured on: CPU, cores, memory, Node, kernel, the data folder's disk, and load.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  disk: string;
}

export function describeMachine(dataDir: string): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu,
    cores: os.availableParallelism(),
    memoryGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    disk: describeDisk(dataDir),
  };
}

/** Device, filesystem type and size of the folder holding the data, and whether it spins. */
function describeDisk(dir: string): string {
  try {
    const line = execFileSync('df', ['-PT', dir], { encoding: 'utf8' }).trim().split('\n')[1] ?? '';
    const [device = '?', type = '?', blocks = '0'] = line.split(/\s+/);
    const name = device.replace(/^\/dev\//, '').replace(/p?\d+$/, '');
    let kind = '';
    try {
      kind = readFileSync(`/sys/block/${name}/queue/rotational`, 'utf8').trim() === '1' ? ', rotational' : ', non-rotational';
    } catch {
      // Not a plain block device (overlay, network): say nothing rather than guess.
    }
    return `${device} (${type}, ${Math.round(Number(blocks) / 1024 ** 2)} GiB${kind})`;
  } catch {
    return 'unknown';
  }
}

export interface Load {
  before: number[];
  after: number[];
}

export function loadAverage(): number[] {
  return os.loadavg().map((n) => +n.toFixed(2));
}

/** CPU ticks (1/100 s) busy on the whole machine, and those of this process and its reaped children. */
export interface CpuSnapshot {
  machineBusy: number;
  ours: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const self = readFileSync('/proc/self/stat', 'utf8');
  const fields = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
  // utime, stime, cutime, cstime (fields 14-17): servers and CLIs are children, reaped by the end.
  const ours = (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0);
  return { machineBusy: user + nice + system + irq + softirq + steal, ours };
}

/**
 * How much CPU other processes took while we measured, as a share of the machine. The load
 * average alone cannot tell: our own servers and clients make it about 2 on a 2-core machine.
 */
export function otherCpuShare(start: CpuSnapshot, end: CpuSnapshot, wallSeconds: number, cores: number): number {
  const others = (end.machineBusy - start.machineBusy) - (end.ours - start.ours);
  return Math.max(0, others / 100 / (wallSeconds * cores));
}

export function contention(load: Load, otherShare: number): string | undefined {
  if (otherShare < 0.05 && (load.before[0] ?? 0) < 0.5) return undefined;
  return `contended: other processes used ${(otherShare * 100).toFixed(0)}% of the CPUs during the run (load average ${load.before.join(' / ')} before, ${load.after.join(' / ')} after)`;
}

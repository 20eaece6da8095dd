// The server process seen from outside: its pid (by listening port), liveness and RSS from /proc.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { TestServer } from '../../helpers/server.ts';

/** Inode of the socket listening on 127.0.0.1:port, from /proc/net/tcp. */
function listeningInode(port: number): string | undefined {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, inode is column 9.
      if (cols[1]?.endsWith(`:${portHex}`) && cols[3] === '0A' && cols[9]) return cols[9];
    }
  }
  return undefined;
}

/** The pid of the process that listens on the server's S3 port. */
export function serverPid(server: TestServer): number {
  const port = Number(new URL(server.endpoint).port);
  const inode = listeningInode(port);
  if (!inode) throw new Error(`no listener on port ${port}`);
  const target = `socket:[${inode}]`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === target) return Number(entry);
      } catch {
        // the fd closed while we looked
      }
    }
  }
  throw new Error(`no process holds ${target}`);
}

export function isAlive(pid: number): boolean {
  try {
    const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Resident set size in MiB (VmRSS), or NaN when the process is gone. */
export function rssMiB(pid: number): number {
  try {
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** How many sockets the process holds open (its fds that are sockets): connections it has not let go. */
export function socketCount(pid: number): number {
  let count = 0;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) count++;
      } catch {
        // closed while we looked
      }
    }
  } catch {
    return Number.NaN;
  }
  return count;
}

/** Samples RSS every `everyMs` until stopped; summarises the series for the figures. */
export class RssSampler {
  readonly samples: number[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number, everyMs = 500) {
    this.samples.push(rssMiB(pid));
    this.#timer = setInterval(() => this.samples.push(rssMiB(pid)), everyMs);
    this.#timer.unref();
  }

  stop(): { first: number; max: number; last: number; firstQuarterMax: number; lastQuarterMax: number } {
    clearInterval(this.#timer);
    const s = this.samples.filter((v) => Number.isFinite(v));
    const quarter = Math.max(1, Math.floor(s.length / 4));
    const round = (v: number) => Math.round(v);
    return {
      first: round(s[0] ?? 0),
      max: round(Math.max(...s)),
      last: round(s.at(-1) ?? 0),
      firstQuarterMax: round(Math.max(...s.slice(0, quarter))),
      lastQuarterMax: round(Math.max(...s.slice(-quarter))),
    };
  }
}

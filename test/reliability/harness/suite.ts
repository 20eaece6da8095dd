// Lifecycle for reliability suites: one suite at a time on this shared machine, a data folder of our
// own (in a parent folder we can inspect), restarts on it, log scans, and cleanup that never leaks a server.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type StartOptions, type TestServer } from '../../helpers/server.ts';
import { sleep } from './common.ts';
import { isAlive, serverPid } from './proc.ts';

/** Servers this process started: killed if the test process exits without cleaning up. */
const started = new Set<number>();
process.once('exit', () => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

const LOCK = join(tmpdir(), 'coffer-reliability.lock');

/**
 * Waits until no other reliability suite runs (the runner starts files two at a time; these suites
 * measure time and memory and must not overlap each other). A lock held by a dead process is taken over.
 */
export async function acquireSuiteLock(name: string, maxWaitMs = 30 * 60_000): Promise<() => void> {
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeFileSync(fd, `${process.pid} ${name}`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(LOCK, 'utf8').startsWith(`${process.pid} `)) unlinkSync(LOCK);
        } catch {
          // already gone
        }
      };
    } catch {
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(LOCK, 'utf8').split(' ')[0]);
      } catch {
        continue;
      }
      if (!Number.isInteger(holder) || !isAlive(holder)) {
        rmSync(LOCK, { force: true });
        continue;
      }
      if (Date.now() - started > maxWaitMs) throw new Error(`reliability lock held by ${holder} for too long`);
      await sleep(250);
    }
  }
}

/** A server on a data folder we own, restartable on the same folder; `dispose` always stops it and cleans up. */
export class ManagedServer {
  readonly parent: string;
  readonly dataDir: string;
  readonly #options: StartOptions;
  current: TestServer | undefined;
  /** Output of every previous run of the server on this folder. */
  previousOutput = '';
  starts = 0;
  pid = 0;

  readonly #ownsParent: boolean;

  /** `parent`: a folder (e.g. a mount point) to hold the data folder; else a fresh one under tmp. */
  constructor(label: string, options: StartOptions = {}, parent?: string) {
    this.#ownsParent = parent === undefined;
    this.parent = parent ?? mkdtempSync(join(tmpdir(), `coffer-rel-${label}-`));
    this.dataDir = join(this.parent, 'data');
    this.#options = options;
  }

  get server(): TestServer {
    if (!this.current) throw new Error('server not running');
    return this.current;
  }

  async start(): Promise<TestServer> {
    this.current = await startServer({ ...this.#options, dataDir: this.dataDir });
    this.pid = serverPid(this.current);
    started.add(this.pid);
    this.starts++;
    return this.current;
  }

  /** Stops the server with a signal and keeps its output. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = this.current;
    if (!running) return;
    await running.kill(signal);
    started.delete(this.pid);
    this.previousOutput += running.output();
    this.current = undefined;
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<TestServer> {
    await this.stop(signal);
    return this.start();
  }

  output(): string {
    return this.previousOutput + (this.current?.output() ?? '');
  }

  /** Error-level JSON log lines (pino level 50+) whose message matches. */
  errorLines(pattern: RegExp = /./): string[] {
    return this.output().split('\n').filter((line) => /"level":(50|60)/.test(line) && pattern.test(line));
  }

  /** Error log lines matching `pattern`, waiting a little for at least `atLeast` (logs arrive through a pipe). */
  async loggedErrors(pattern: RegExp, atLeast = 1, timeoutMs = 5000): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    let lines = this.errorLines(pattern);
    while (lines.length < atLeast && Date.now() < until) {
      await sleep(100);
      lines = this.errorLines(pattern);
    }
    return lines;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL').catch(() => undefined);
    rmSync(this.#ownsParent ? this.parent : this.dataDir, { recursive: true, force: true });
  }
}

/** Runs `body` with the suite lock held and the managed server disposed afterwards, whatever happens. */
export async function withServer<T>(
  name: string, options: StartOptions, body: (managed: ManagedServer) => Promise<T>,
): Promise<T> {
  const release = await acquireSuiteLock(name);
  const managed = new ManagedServer(name, options);
  try {
    await managed.start();
    return await body(managed);
  } finally {
    await managed.dispose();
    release();
  }
}

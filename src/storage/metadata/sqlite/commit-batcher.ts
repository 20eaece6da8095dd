// Group commit: writes that arrive in the same event-loop turn share one SQLite transaction, and
// their durability comes from one fdatasync of the WAL file run on libuv's thread pool, so the
// event loop never waits on the disk. Each write still runs in its own savepoint: one failing
// write rolls back alone and rejects alone.
import { open, type FileHandle } from 'node:fs/promises';
import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  oneWrite: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class CommitBatcher {
  readonly #db: Database.Database;
  #queue: Pending[] = [];
  #scheduled = false;
  #wal: Promise<FileHandle> | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * Runs `work` inside the next batch's transaction; resolves once that batch is on disk. `oneWrite`:
   * the work changes the database in at most one statement, which SQLite undoes by itself when it
   * fails, so it runs without a savepoint of its own (~4 µs less per 4 KiB PUT, dev VM).
   */
  run<T>(work: () => T, options: { oneWrite?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, oneWrite: options.oneWrite === true, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  #commit(batch: Pending[]): Outcome[] {
    const outcomes: Outcome[] = [];
    // NORMAL: the commit itself does not fsync (it would block the event loop); #flush then does.
    // Prepared (and cached) statements: db.pragma() compiles its statement on every call.
    this.#db.prepare('PRAGMA synchronous = NORMAL').run();
    try {
      this.#db.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: item.oneWrite ? item.work() : this.#db.transaction(item.work)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } finally {
      this.#db.prepare('PRAGMA synchronous = FULL').run();
    }
    return outcomes;
  }

  /** The WAL file, opened before anything is committed, so failing to open it changes nothing. */
  async #walHandle(): Promise<FileHandle> {
    if (!this.#wal) {
      // A failed open (EMFILE, say) must not be remembered: the next batch tries again.
      const opening = open(`${this.#db.name}-wal`, 'r');
      this.#wal = opening;
      opening.catch(() => {
        if (this.#wal === opening) this.#wal = undefined;
      });
    }
    return this.#wal;
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    let outcomes: Outcome[];
    try {
      const wal = await this.#walHandle();
      outcomes = this.#commit(batch);
      try {
        // fdatasync of the WAL: after it the batch survives a power cut, as with synchronous=FULL.
        await wal.datasync();
      } catch (error) {
        // Committed but not known durable: callers must not undo side effects (e.g. delete blobs).
        Object.assign(error as object, { committed: true });
        throw error;
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.error);
    });
  }

  async close(): Promise<void> {
    if (this.#wal) await (await this.#wal).close();
  }
}

// Rows kept in memory by the one process that writes them. Only a server that opened its database
// exclusively (open-database.ts) may keep them: no other process can change a row behind its back,
// and each of its own writes forgets the row it changes. Cluster workers share the file, so theirs
// is disabled and every lookup reads the row.

/** Entries kept before the cache starts over: bounds memory whatever names clients send. */
const DEFAULT_LIMIT = 1024;

export class SoleWriterCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #enabled: boolean;
  readonly #limit: number;

  constructor(enabled: boolean, limit = DEFAULT_LIMIT) {
    this.#enabled = enabled;
    this.#limit = limit;
  }

  /**
   * The cached value, or what `read` returns: kept when found and `keep` allows it (a miss is
   * never kept).
   */
  through(key: string, read: () => V | undefined, keep?: (value: V) => boolean): V | undefined {
    if (!this.#enabled) return read();
    const cached = this.#entries.get(key);
    if (cached !== undefined) return cached;
    const value = read();
    if (value !== undefined && (keep === undefined || keep(value))) {
      if (this.#entries.size >= this.#limit) this.#entries.clear();
      this.#entries.set(key, value);
    }
    return value;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}

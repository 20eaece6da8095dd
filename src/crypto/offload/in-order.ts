// Results of offloaded batches handed on in the order the batches were started, whatever order
// the threads finish in; the first failure (in that order) stops everything after it.
interface Entry<T> {
  done: boolean;
  value?: T;
  error?: unknown;
}

interface Waiter {
  limit: number;
  resolve(): void;
  reject(error: unknown): void;
}

export interface InOrderHooks<T> {
  /** Gets each result in order; throwing is the failure (after what it pushed went out). */
  deliver(value: T): void;
  /** A failure while nobody waits in below() (a stream destroys itself with it). */
  unobserved(error: Error): void;
  /** Resolves once what was delivered has been taken: a failure waits for it, as inline it would. */
  drained(): Promise<void>;
}

export class InOrder<T> {
  readonly #hooks: InOrderHooks<T>;
  #entries: Entry<T>[] = [];
  #waiters: Waiter[] = [];
  #failure: { error: unknown } | undefined;
  /** A failure came up: nothing more is delivered, and it is reported once drained() resolves. */
  #failing = false;

  constructor(hooks: InOrderHooks<T>) {
    this.#hooks = hooks;
  }

  /** Batches started and not yet handed on. */
  get size(): number {
    return this.#entries.length;
  }

  add(work: Promise<T>): void {
    if (this.#failing) {
      work.catch(() => undefined);
      return;
    }
    const entry: Entry<T> = { done: false };
    this.#entries.push(entry);
    work.then(
      (value) => this.#settle(entry, { done: true, value }),
      (error: unknown) => this.#settle(entry, { done: true, error }),
    );
  }

  /** Queues a failure behind the batches already started (so their results go out first). */
  addError(error: Error): void {
    this.add(Promise.reject(error));
  }

  /** Resolves once fewer than `limit` batches are unfinished; rejects on failure. */
  below(limit: number): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    // While a failure waits to be reported, nobody may go on (a flush would end the stream cleanly).
    if (!this.#failing && this.#entries.length < limit) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ limit, resolve, reject }));
  }

  #settle(entry: Entry<T>, outcome: Entry<T>): void {
    Object.assign(entry, outcome);
    while (!this.#failing && this.#entries[0]?.done === true) {
      const head = this.#entries.shift() as Entry<T>;
      try {
        if ('error' in head) throw head.error;
        this.#hooks.deliver(head.value as T);
      } catch (error) {
        this.#failing = true;
        this.#hooks.drained().then(() => this.#fail(error), () => this.#fail(error));
      }
    }
    if (!this.#failing) this.#wake();
  }

  #wake(): void {
    const ready = this.#waiters.filter((w) => this.#entries.length < w.limit);
    this.#waiters = this.#waiters.filter((w) => this.#entries.length >= w.limit);
    for (const w of ready) w.resolve();
  }

  #fail(error: unknown): void {
    this.#failure = { error };
    this.#entries = [];
    const waiters = this.#waiters;
    this.#waiters = [];
    if (waiters.length === 0) this.#hooks.unobserved(error instanceof Error ? error : new Error(String(error)));
    for (const w of waiters) w.reject(error);
  }
}

// The model of acknowledged state for the crash harness: what each key and upload may hold after a kill.
import type { Content } from './common.ts';

/** One version of an object as the client wrote it. */
export interface Version {
  content: Content;
  /** SSE-C customer key, when written encrypted. */
  sse?: Buffer | undefined;
  /** ETag the server acknowledged (unknown when the write's answer was lost). */
  etag?: string | undefined;
  /** Where the version came from, for failure messages. */
  origin: string;
}

/** null: the key does not exist. */
export type State = Version | null;

/**
 * A key's possible states. One element: known exactly (every acknowledged write). More than one: writes
 * whose answer was lost in a kill may or may not have happened, but nothing else may be there.
 */
export class KeyModel {
  possible: State[] = [null];
  /** Read back byte-exact since its last change (a cheaper HEAD may then stand in for a full read). */
  verified = false;

  get certain(): State | undefined {
    return this.possible.length === 1 ? this.possible[0] : undefined;
  }

  acknowledge(state: State): void {
    this.possible = [state];
    this.verified = false;
  }

  /** The write's answer was lost: old or new, never a mix. */
  inDoubt(state: State): void {
    this.possible = [...this.possible, state];
    this.verified = false;
  }
}

export interface PartModel {
  content: Content;
  acknowledged: boolean;
  etag?: string | undefined;
}

export type UploadStatus = 'open' | 'completing' | 'aborting';

export interface UploadModel {
  uploadId: string;
  key: string;
  sse?: Buffer | undefined;
  parts: Map<number, PartModel>;
  status: UploadStatus;
  /** The object a completion in doubt would have produced. */
  completion?: Version | undefined;
  /** How many parts this upload will have (the last one small). */
  plannedParts: number;
}

/** Everything one worker owns: its keys, its open upload, uploads whose creation is in doubt. */
export class WorkerModel {
  readonly keys = new Map<string, KeyModel>();
  upload: UploadModel | undefined;
  /** Keys for which a CreateMultipartUpload lost its answer (an unknown upload may exist). */
  readonly createsInDoubt = new Set<string>();

  readonly prefix: string;

  constructor(prefix: string, keyCount: number) {
    this.prefix = prefix;
    for (let i = 0; i < keyCount; i++) this.keys.set(`${prefix}k${i}`, new KeyModel());
  }

  key(name: string): KeyModel {
    const found = this.keys.get(name);
    if (!found) throw new Error(`unknown key ${name}`);
    return found;
  }

  /** Keys known to exist exactly (copy sources, read checks). */
  certainObjects(): [string, Version][] {
    const out: [string, Version][] = [];
    for (const [name, model] of this.keys) {
      const state = model.certain;
      if (state) out.push([name, state]);
    }
    return out;
  }

  /** Keys that must be listed, with their sizes (call after every key is resolved). */
  expectedListing(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, model] of this.keys) {
      const state = model.certain;
      if (state === undefined) throw new Error(`key ${name} not resolved`);
      if (state) out.set(name, state.content.size);
    }
    return out;
  }
}

/** Figures the crash harness accumulates. */
export interface CrashFigures {
  kills: number;
  acknowledgedWrites: number;
  acknowledgedDeletes: number;
  acknowledgedParts: number;
  completes: number;
  copies: number;
  inDoubtResolvedOld: number;
  inDoubtResolvedNew: number;
  bytesVerified: number;
  maxTmpAtKill: { files: number; bytes: number };
  leftoversAfterStart: { tmpFiles: number; orphanFiles: number; orphanBytes: number };
  failures: string[];
  unexpectedErrors: string[];
}

export function emptyFigures(): CrashFigures {
  return {
    kills: 0, acknowledgedWrites: 0, acknowledgedDeletes: 0, acknowledgedParts: 0, completes: 0, copies: 0,
    inDoubtResolvedOld: 0, inDoubtResolvedNew: 0, bytesVerified: 0,
    maxTmpAtKill: { files: 0, bytes: 0 },
    leftoversAfterStart: { tmpFiles: 0, orphanFiles: 0, orphanBytes: 0 },
    failures: [], unexpectedErrors: [],
  };
}

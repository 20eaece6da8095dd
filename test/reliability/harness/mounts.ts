// Real storage faults on this machine: a tiny filesystem (tmpfs, else a loop-mounted ext4 file) and a
// read-only bind mount. Each returns an undo; when the machine cannot do it, the reason to skip.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Mounted {
  path: string;
  kind: string;
  undo(): void;
}

const run = (cmd: string, args: string[]): void => {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

const message = (error: unknown): string =>
  error instanceof Error ? ((error as Error & { stderr?: Buffer }).stderr?.toString().trim() || error.message) : String(error);

/** A filesystem of `sizeMiB` at a fresh folder: tmpfs if we may mount it, else an ext4 image on a loop device. */
export function smallFilesystem(sizeMiB: number): Mounted | { skip: string } {
  const path = mkdtempSync(join(tmpdir(), 'coffer-rel-fs-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', path]);
    return { path, kind: `tmpfs ${sizeMiB} MiB`, undo: () => unmount(path) };
  } catch (tmpfsError) {
    const image = `${path}.img`;
    try {
      run('truncate', ['-s', `${sizeMiB}M`, image]);
      run('mkfs.ext4', ['-q', '-F', image]);
      run('mount', ['-o', 'loop', image, path]);
      return {
        path, kind: `ext4 loop ${sizeMiB} MiB`,
        undo: () => {
          unmount(path);
          rmSync(image, { force: true });
        },
      };
    } catch (loopError) {
      rmSync(image, { force: true });
      rmSync(path, { recursive: true, force: true });
      return { skip: `cannot mount a small filesystem here: tmpfs: ${message(tmpfsError)}; loop ext4: ${message(loopError)}` };
    }
  }
}

function unmount(path: string): void {
  try {
    run('umount', [path]);
  } catch {
    run('umount', ['-l', path]);
  }
  rmSync(path, { recursive: true, force: true });
}

/**
 * Makes `dir` read-only for every new open, by mounting a read-only bind of it over itself. Files the
 * server already holds open (the SQLite database and its WAL) stay writable: the kernel checks the mount
 * at open time. This is the closest we get to a disk remounted read-only while the process runs.
 */
export function readOnlyOver(dir: string): { undo(): void } | { skip: string } {
  try {
    run('mount', ['--bind', dir, dir]);
  } catch (error) {
    return { skip: `cannot bind-mount here: ${message(error)}` };
  }
  try {
    run('mount', ['-o', 'remount,bind,ro', dir]);
  } catch (error) {
    run('umount', [dir]);
    return { skip: `cannot remount a bind read-only here: ${message(error)}` };
  }
  let undone = false;
  return {
    undo: () => {
      if (undone) return;
      undone = true;
      run('umount', [dir]);
    },
  };
}

/** Fills the filesystem holding `dir` to the last byte with one file; returns its path (delete it to free). */
export function fillUp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (let i = 0; i < 1_000_000; i++) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // The last partial block.
  try {
    for (let i = 0; i < 1_000_000; i++) writeSync(fd, block.subarray(0, 512));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  closeSync(fd);
  return path;
}

// V8 flags the server process must be started with, and the check that it was.
//
// `--initial-old-space-size=64`: without it V8 sets the old generation's limit from the live heap
// (~15 MB for a running server) plus 8 MB, and counts against that limit every buffer allocated
// since the last full collection. A streamed transfer allocates buffers (socket reads, file reads,
// AES-GCM output) at hundreds of MiB/s; they die young, but they count until the next scavenge,
// which V8 runs every 32 MiB of them. So once the limit sits close to the live heap, a full
// mark-compact starts every 15-30 MiB moved: 20-60 per 512 MiB GET, each 10-30 ms, and the server's
// CPU per MiB doubles (measured in docs/benchmarks.md). With the flag, V8 skips full collections
// while the old generation is below 64 MB. Heap sizes are read when V8 starts, so this cannot be
// set from inside the process (v8.setFlagsFromString is too late) and NODE_OPTIONS refuses it:
// `npm start`, the `coffer` command's first line and the test and benchmark servers pass it.

export const SERVER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64'];

/** The flags this process lacks (its node options as given on the command line). */
export function missingServerNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVER_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}

// Fixed inputs and gathered outputs for the crypto tests and the vector generator: scripted
// randomness, the vectors' plaintext pattern, and a transform run over a whole buffer.
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RandomSource } from '../../src/crypto/index.ts';

/** A RandomSource that hands out fixed buffers in order and checks the requested sizes. */
export function scripted(...values: Buffer[]): RandomSource {
  return (size) => {
    const next = values.shift();
    if (next === undefined || next.length !== size) throw new Error(`unexpected random request of ${size} bytes`);
    return Buffer.from(next);
  };
}

/** The plaintext of a vector segment: byte i = (i·31 + partNumber) mod 256. */
export const patternPlaintext = (partNumber: number, length: number): Buffer =>
  Buffer.from(Array.from({ length }, (_, i) => (i * 31 + partNumber) & 0xff));

/** Everything `transform` makes of `input`, through a real pipeline (so backpressure and flush run as in use). */
export async function collect(transform: Transform, input: Buffer): Promise<Buffer> {
  const got: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      got.push(chunk);
      cb();
    },
  });
  await pipeline(Readable.from([input]), transform, sink);
  return Buffer.concat(got);
}

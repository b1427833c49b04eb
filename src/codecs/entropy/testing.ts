// Helpers shared by the entropy/container tests, the rANS benchmark (bench/rans.ts) and the fuzzer
// (container/fuzz.ts): the seeded random numbers (src/testing/random.ts) and table sets built from CDF rows.
import { createTables, type CdfTables } from './tables';

export { gaussian, mulberry32, randInt } from '../../testing/random';

/** A table set from one quantized CDF row per table (pmfToQuantizedCdf output) and each table's offset. */
export function tablesFromRows(rows: readonly Int32Array[], offsets: readonly number[]): CdfTables {
  const lengths = rows.map((r) => r.length);
  const cdf = new Int32Array(lengths.reduce((a, b) => a + b, 0));
  let pos = 0;
  for (const r of rows) {
    cdf.set(r, pos);
    pos += r.length;
  }
  return createTables({ cdf, lengths, offsets });
}

// Ideal information content of a symbol sequence under quantized tables: Σ −log2(f/2^16) over the coded
// bins, plus the escape payload bits (which the coder writes as uniform bits). The real stream is compared
// with it in the efficiency tests and the benchmark.

import { ESCAPE_LENGTH_BITS, checkTableIndex, type TableIndex } from './rans';
import { type CdfTables, PRECISION } from './tables';

export interface RateEstimate {
  /** Σ −log2 p over all symbols, escape payloads included. */
  readonly bits: number;
  /** Number of symbols that went through the escape code. */
  readonly escapes: number;
}

function escapePayloadBits(v: number, nIn: number): number {
  const raw = v < 0 ? -2 * v - 1 : 2 * (v - nIn);
  let b = 0;
  while (b < 48 && 2 ** b <= raw) b++;
  return ESCAPE_LENGTH_BITS + Math.max(0, b - 1);
}

/** The ideal code length of `symbols` under `tables` (what an infinitely precise coder would spend). */
export function idealBits(symbols: Int32Array, index: TableIndex, tables: CdfTables): RateEstimate {
  checkTableIndex(index, symbols.length, tables);
  const { cdf, starts, lengths, offsets } = tables;
  // −log2 of each frequency is cached per table row on demand: log2 is the only cost here.
  const log2f = new Map<number, Float64Array>();
  let bits = 0;
  let escapes = 0;
  const perChannel = 'kind' in index;
  for (let i = 0; i < symbols.length; i++) {
    const t = perChannel ? (index.tables ? index.tables[Math.floor(i / index.planeSize)] : Math.floor(i / index.planeSize)) : index[i];
    let row = log2f.get(t);
    if (!row) {
      row = new Float64Array(lengths[t] - 1);
      for (let s = 0; s < row.length; s++) row[s] = PRECISION - Math.log2(cdf[starts[t] + s + 1] - cdf[starts[t] + s]);
      log2f.set(t, row);
    }
    const nIn = lengths[t] - 2;
    const v = symbols[i] - offsets[t];
    if (v >= 0 && v < nIn) bits += row[v];
    else {
      bits += row[nIn] + escapePayloadBits(v, nIn);
      escapes++;
    }
  }
  return { bits, escapes };
}

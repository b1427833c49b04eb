// Nightly fuzzing of the learned-codec container + rANS decoder (the CI test runs 100,000 cases of the same
// generator). Usage: npm run fuzz -- [--cases N] [--seed S] [--first K] [--max-elements E]
//   --first K --cases 1 replays case K alone (failures and the slowest case are reported by number).
//   defaults: 1,000,000 cases, seed 1. Prints a JSON report; exits 1 if any case ended in anything but a typed
//   error or a valid decode (each failure names its case number, so `--seed S` reproduces it).
import os from 'node:os';
import { runContainerFuzz } from '../src/codecs/container/fuzz';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`--${name} needs a non-negative integer, got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  return v;
}

const cases = arg('cases', 1_000_000);
const seed = arg('seed', 1);
const maxElements = arg('max-elements', 8192);
const firstCase = arg('first', 0);
const report = runContainerFuzz({
  cases,
  seed,
  firstCase,
  maxElements,
  progressEvery: 100_000,
  onProgress: (done) => process.stderr.write(`[fuzz] ${done} / ${cases}\n`),
});
console.log(
  JSON.stringify(
    {
      fuzz: 'container+rans',
      machine: { cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version },
      ...report,
      failures: report.failures.slice(0, 20),
      failureCount: report.failures.length,
    },
    null,
    2,
  ),
);
process.exit(report.failures.length === 0 ? 0 : 1);

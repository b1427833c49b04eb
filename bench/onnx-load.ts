// Load time of the onnxruntime backends' graphs (Node, onnxruntime-web's wasm EP, one thread), per model package:
//   build    — onnx-graph.ts buildGraph(): the graph serialized from the package's op lists and weights;
//   fetch    — where a package folder still holds <graph>.onnx files (the layout before format version 2):
//              fetching them over HTTP from a local server (what the app did), and reading them from disk;
//   session  — ort.InferenceSession.create() on either bytes (the same work both ways; shown for scale).
// Medians of --runs N (default 7). Prints JSON with the machine and its load average.
//   npx tsx bench/onnx-load.ts [--models DIR] [--runs N]
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadPackageDir, nodeOrt } from '../src/cli/node-io';
import { buildGraph, graphNames } from '../src/codecs/learned/onnx-graph';

const argv = process.argv.slice(2);
const arg = (k: string) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined);
const ROOT = resolve(arg('--models') ?? join(import.meta.dirname, '../public/models'));
const RUNS = Number(arg('--runs') ?? 7);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const round = (v: number) => Math.round(v * 100) / 100;
async function time(f: () => unknown | Promise<unknown>): Promise<number> {
  const v: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await f();
    v.push(performance.now() - t0);
  }
  return round(median(v));
}

const server = createServer((req, res) => {
  try {
    const body = readFileSync(join(ROOT, decodeURIComponent(req.url!.slice(1))));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;

const ort = await nodeOrt(1);
const opts = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const };
const models: Record<string, unknown> = {};
for (const name of readdirSync(ROOT).sort()) {
  const dir = join(ROOT, name);
  const raw = existsSync(join(dir, 'manifest.json')) ? JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) : null;
  if (!raw?.architecture) continue; // not a codec package
  const loadMs = await time(() => loadPackageDir(dir));
  const { pkg } = await loadPackageDir(dir);
  const graphs: Record<string, unknown> = {};
  let buildTotal = 0;
  let fetchTotal: number | null = 0;
  for (const g of graphNames(pkg.manifest)) {
    const bytes = buildGraph(pkg, g);
    const built = { bytes: bytes.length, ms: await time(() => buildGraph(pkg, g)), sessionMs: await time(async () => (await ort.InferenceSession.create(buildGraph(pkg, g), opts)).release()) };
    buildTotal += built.ms;
    const file = (raw.onnx as Record<string, string> | undefined)?.[g] ?? `${g}.onnx`;
    let stored = null;
    if (existsSync(join(dir, file))) {
      const url = `http://127.0.0.1:${port}/${name}/${file}`;
      stored = {
        bytes: readFileSync(join(dir, file)).length,
        fetchMs: await time(async () => new Uint8Array(await (await fetch(url)).arrayBuffer())),
        readMs: await time(() => readFileSync(join(dir, file))),
        sessionMs: await time(async () => (await ort.InferenceSession.create(readFileSync(join(dir, file)), opts)).release()),
      };
      if (fetchTotal !== null) fetchTotal += stored.fetchMs;
    } else fetchTotal = null;
    graphs[g] = { built, stored };
  }
  models[name] = { packageLoadMs: loadMs, buildAllMs: round(buildTotal), fetchAllMs: fetchTotal === null ? null : round(fetchTotal), graphs };
}
server.close();

console.log(
  JSON.stringify(
    {
      what: 'ONNX graph load: built from the package (onnx-graph.ts) vs fetched .onnx files; medians in ms',
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg().map(round) },
      node: process.version,
      onnxruntime: ort.env.versions?.web,
      runs: RUNS,
      date: new Date().toISOString().slice(0, 10),
      models,
    },
    null,
    1,
  ),
);

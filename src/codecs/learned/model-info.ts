// What a visitor should know about a learned codec's weights before trusting its curve: how long they were
// trained, and how they did on RD Lab's benchmark photos (`npm run benchmark`; tools/train/eval.py writes both
// into the package's manifest.json; the model card README.md next to it has the full tables).
// Read defensively: a field that is missing or malformed is left out, never guessed.
import type { ModelInfo } from '../types';
import { isObj } from './package';

export type { ModelInfo };

/** Base URL of the model packages: `<site base>models/` (public/ is served at the site root). */
export function modelsBaseUrl(): string {
  const base = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  const here = typeof location !== 'undefined' ? location.href : 'http://localhost/';
  return new URL(`${base}models/`, here).href;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The facts above from a parsed manifest.json (any JSON value; nothing is trusted). */
export function modelInfo(manifest: unknown, packageUrl: string, cardBase = new URL('../', packageUrl).href): ModelInfo | null {
  if (!isObj(manifest) || typeof manifest.name !== 'string') return null;
  const prov = isObj(manifest.provenance) ? manifest.provenance : {};
  const val = isObj(manifest.validation) ? manifest.validation : {};
  const bd = isObj(val.bd_rate) ? val.bd_rate : {};
  const info: ModelInfo = { name: manifest.name, bdRate: [], card: new URL('README.md', packageUrl).href, cardBase };
  const steps = num(prov.steps);
  if (steps !== undefined && Number.isInteger(steps) && steps >= 0) info.steps = steps;
  const cpu = num(prov.cpu_hours);
  if (cpu !== undefined && cpu >= 0) info.cpuHours = cpu;
  if (typeof prov.exported === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(prov.exported)) info.exported = prov.exported;
  const init = isObj(prov.initialised_from) ? prov.initialised_from : {};
  const initSteps = num(init.step);
  const initCpu = num(init.cpu_s);
  if (initSteps !== undefined && Number.isInteger(initSteps) && initSteps > 0) {
    info.initSteps = initSteps;
    if (initCpu !== undefined && initCpu >= 0) info.initCpuHours = initCpu / 3600;
  }
  const photos = num(val.photos);
  if (photos !== undefined && Number.isInteger(photos) && photos > 0) info.photos = photos;
  if (typeof val.set === 'string' && val.set.length > 0 && val.set.length <= 120) info.set = val.set;
  for (const [anchor, v] of Object.entries(bd)) {
    const psnr = isObj(v) ? num(v.psnr) : undefined;
    if (psnr === undefined || !/^[a-z0-9-]{1,16}$/.test(anchor)) continue;
    const msssim = num((v as Record<string, unknown>)['ms-ssim']);
    info.bdRate.push(msssim === undefined ? { anchor, psnr } : { anchor, psnr, msssim });
  }
  const rate = isObj(manifest.rate) ? manifest.rate : {};
  const lambda = isObj(rate.lambda) ? rate.lambda : {};
  const [lo, hi] = [num(lambda.min), num(lambda.max)];
  if (lo !== undefined && hi !== undefined && lo > 0 && hi >= lo) {
    const res = isObj(val.results) ? val.results : {};
    const ts = Array.isArray(res.t) ? res.t : [];
    const bpps = Array.isArray(res.bpp) ? res.bpp : [];
    const bpp: { t: number; bpp: number }[] = [];
    for (let i = 0; i < Math.min(ts.length, bpps.length, 64); i++) {
      const [t, b] = [num(ts[i]), num(bpps[i])];
      if (t !== undefined && b !== undefined && t >= 0 && t <= 1 && b > 0) bpp.push({ t, bpp: b });
    }
    info.rate = { lambdaMin: lo, lambdaMax: hi, bpp };
    if (typeof lambda.spacing === 'string' && lambda.spacing.length <= 16) info.rate.spacing = lambda.spacing;
    if (typeof lambda.loss === 'string' && lambda.loss.length <= 64) info.rate.loss = lambda.loss;
  }
  return info;
}

const cache = new Map<string, Promise<ModelInfo | null>>();

/** Fetches model `name`'s manifest.json (~20 kB; the weights stay in the workers) once per page; null when it
 * cannot be read (tried again on the next call). */
export function fetchModelInfo(name: string, baseUrl = modelsBaseUrl()): Promise<ModelInfo | null> {
  const packageUrl = `${baseUrl}${name}/`;
  let p = cache.get(packageUrl);
  if (!p) {
    p = fetch(`${packageUrl}manifest.json`)
      .then((r) => (r.ok ? r.json() : null))
      .then((json) => modelInfo(json, packageUrl, baseUrl))
      .catch(() => null);
    p.then((info) => info ?? cache.delete(packageUrl));
    cache.set(packageUrl, p);
  }
  return p;
}

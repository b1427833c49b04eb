// Which vitest projects a command line runs, so that vitest.config.ts looks for (and, as root, installs) a
// Chromium only when the browser project "gpu" can run. A unit run of src/gpu/weights.test.ts must not.
//
//   vitest run --project unit src/gpu/x.test.ts   → no browser (the project is named)
//   vitest run --project gpu                      → browser
//   vitest run src/codecs/options.test.ts         → no browser (no *.gpu.test.ts file can match that filter)
//   vitest run src/gpu                            → browser (a folder may hold *.gpu.test.ts files)
//   vitest run                                    → browser (every project)

const COMMANDS = new Set(['run', 'watch', 'dev', 'related', 'list']);

/**
 * `argv`: the arguments after the vitest executable (process.argv.slice(2)). True when the "gpu" project may
 * run: it is named with --project, or no project is named and some file filter (a substring of the test paths,
 * as vitest reads it) could match a *.gpu.test.ts file, or there is no filter at all.
 */
export function runsBrowserProject(argv) {
  const projects = [];
  const filters = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--project') projects.push(argv[++i] ?? '');
    else if (a.startsWith('--project=')) projects.push(a.slice('--project='.length));
    else if (!a.startsWith('-') && !(filters.length === 0 && COMMANDS.has(a))) filters.push(a);
  }
  if (projects.length > 0) return projects.some((p) => p === 'gpu' || p.includes('*'));
  if (filters.length === 0) return true;
  return filters.some((f) => f.endsWith('.gpu.test.ts') || !/\.test\.ts$/.test(f));
}

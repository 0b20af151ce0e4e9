// npm run reliability: the full fault matrix of test/engine/reliability/faults.ts (50 SIGKILL
// points per crash case, 5 per cancellation case) against the engine built from engine/src, on
// every media target (CD, UFD+FORMAT to a disk image); prints one table row per case and a total
// whose "data lost" must be 0. Exit code 1 when any point did not survive. Needs wimtools, xorriso
// (CD) and dosfstools + mtools (UFD+FORMAT); root adds the tmpfs case.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = mkdtempSync(join(tmpdir(), 'cmts-reliability-'));
chmodSync(out, 0o755); // the read-only-destination case runs the engine as nobody when run as root
process.chdir(root);
try {
  // Beside node_modules, so the bundle's external packages (esbuild) resolve.
  const bundle = join(root, '.cache', 'reliability', 'faults.mjs');
  await build({ stdin: { contents: "export * from './faults.ts'; export * from './harness.ts'; export * from './targets.ts';", resolveDir: join(root, 'test', 'engine', 'reliability'), loader: 'ts' },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, packages: 'external', logLevel: 'error' });
  const m = await import(pathToFileURL(bundle).href);
  const engine = await m.buildEngine(out);
  process.stderr.write('making a boot image with 160 MiB of random data...\n');
  const { catalog, wim } = m.makeBigSite(out, 160 << 20);
  const plan = [[m.crashCases, 50], [m.faultCases, 1], [m.cancelCases, 5], [m.concurrencyCases, 1]];
  const rows = [];
  for (const target of m.mediaTargets) {
    for (const [cases, points] of plan) {
      for (const fault of cases) {
        const missing = target.tools.filter((tool) => !m.hasTool(tool));
        const why = missing.length > 0 ? `needs ${missing.join(', ')}` : fault.unavailable?.();
        if (why) { process.stderr.write(`skipped ${target.mediaType}: ${fault.name}: ${why}\n`); continue; }
        process.stderr.write(`${target.mediaType}: ${fault.name}...\n`);
        const r = await fault.run({ engine, dir: out, catalog, wim, target, seed: 0x5eed, timings: true }, points);
        for (const p of r.problems) process.stderr.write(`  ${p}\n`);
        rows.push([`${target.mediaType}: ${r.fault}`, r.tried, r.survived, r.dataLost]);
      }
    }
  }
  const total = rows.reduce((t, r) => ['Total', t[1] + r[1], t[2] + r[2], t[3] + r[3]], ['Total', 0, 0, 0]);
  const header = ['Fault', 'Tried', 'Survived', 'Data lost'];
  const width = Math.max(...[header, ...rows, total].map((r) => r[0].length));
  const line = (r) => `| ${String(r[0]).padEnd(width)} | ${String(r[1]).padStart(5)} | ${String(r[2]).padStart(8)} | ${String(r[3]).padStart(9)} |`;
  const rule = `|${'-'.repeat(width + 2)}|------:|---------:|----------:|`;
  process.stdout.write([line(header), rule, ...rows.map(line), line(total)].join('\n') + '\n');
  process.exitCode = total[2] === total[1] && total[3] === 0 ? 0 : 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}

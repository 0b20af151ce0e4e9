// Read-back bench (issue 17, docs/readback.md): CD media from a ~1 GiB boot image, then
//   (a) creation through the real engine process (hashing every file for the manifest included)
//       against `cp` of the boot image WIM + `sync` (issue 19's yardstick: within 1.25x), and
//   (b) inspectMedia reading the 1 GiB ISO back (every file hashed against the manifest) against
//       `sha256sum` of the same ISO (target: within 1.5x).
// Median of RUNS (default 5) runs, the two sides taking turns; (a) runs `sync` before each run and
// ends each with `sync OUT`; (b) reads from the page cache on both sides (the ISO was just written
// and is read once before measuring). Inputs are generated once into .cache/bench/readback/.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { commandRun, engineRun, makeSite, makeWim, siteIsStale } from './40-media.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cache = join(repo, '.cache/bench/readback');
const runs = Math.max(5, Number(process.env.RUNS ?? 5));
const have = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const q = (s) => `'${s}'`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function table(title, rows, target) {
  process.stdout.write(`\n${title} (median of ${runs}; peak RSS)\n| side | median s | peak RSS MiB |\n|---|---:|---:|\n`);
  for (const r of rows) process.stdout.write(`| ${r.name} | ${median(r.samples.map((s) => s.seconds)).toFixed(2)} | ${Math.max(...r.samples.map((s) => s.rssMiB)).toFixed(1)} |\n`);
  const ratio = median(rows[0].samples.map((s) => s.seconds)) / median(rows[1].samples.map((s) => s.seconds));
  process.stdout.write(`ratio ${ratio.toFixed(2)} (target <= ${target}): ${ratio <= target ? 'met' : 'NOT met'}\n`);
}

export default async function readbackBench() {
  if (!['wimlib-imagex', 'sha256sum', '/usr/bin/time'].every(have)) {
    process.stdout.write('50-readback: skipped (needs wimtools, coreutils sha256sum and /usr/bin/time)\n');
    return;
  }
  mkdirSync(cache, { recursive: true });
  const catalogPath = join(cache, 'site/site.json');
  if (siteIsStale(catalogPath)) {
    process.stdout.write('50-readback: generating a ~1 GiB boot image in .cache/bench/readback (once) ...\n');
    const wim = join(cache, 'boot.wim');
    makeWim(wim, 1020);
    makeSite(wim, join(cache, 'site'));
  }
  const engine = join(cache, 'engine.cjs');
  await build({ entryPoints: [join(repo, 'engine/src/main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: engine, logLevel: 'warning' });

  const work = mkdtempSync(join(tmpdir(), 'cmts-bench-readback-'));
  try {
    const stateDir = join(work, 'state');
    mkdirSync(stateDir);
    const iso = join(work, 'media.iso');
    const wim = join(cache, 'site/content/dp01/PS100005/boot.PS100005.wim');
    const create = { mediaType: 'CD', destinationPath: iso, bootImageId: 'PS100005', siteCatalog: catalogPath, force: true };
    const copy = join(work, 'copy.wim');
    const made = { name: 'engine createBootMedia (CD, hashing included)', samples: [] };
    const cp = { name: 'cp boot.wim + sync', samples: [] };
    for (let i = 0; i < runs; i++) {
      rmSync(iso, { force: true });
      spawnSync('sync');
      made.samples.push(await engineRun(engine, create, stateDir));
      rmSync(copy, { force: true });
      spawnSync('sync');
      cp.samples.push(commandRun(`cp ${q(wim)} ${q(copy)} && sync ${q(copy)}`));
    }
    const isoBytes = statSync(iso).size;
    table(`50-readback (a) (the engine bundle on the dev runtime; the shipped executable: 60-product): CD media from a ${(statSync(wim).size / 2 ** 30).toFixed(2)} GiB boot image vs cp`, [made, cp], 1.25);

    const inspect = { name: 'engine inspectMedia (every file hashed)', samples: [] };
    const sha = { name: 'sha256sum of the ISO', samples: [] };
    commandRun(`sha256sum ${q(iso)} > /dev/null`);
    for (let i = 0; i < runs; i++) {
      const run = await engineRun(engine, { path: iso }, stateDir, 'inspectMedia');
      if (!run.result.isValid) throw new Error(`50-readback: the bench ISO reads back invalid: ${run.result.problems.join('; ')}`);
      inspect.samples.push(run);
      sha.samples.push(commandRun(`sha256sum ${q(iso)} > /dev/null`));
    }
    table(`50-readback (b): reading a ${(isoBytes / 2 ** 30).toFixed(2)} GiB ISO back vs sha256sum`, [inspect, sha], 1.5);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

#!/usr/bin/env node
/**
 * UFD+FORMAT of a 1 GiB media tree to a disk image: the engine's FAT32 writer vs sfdisk + mkfs.fat +
 * mcopy of the same tree. Median wall time of RUNS (default 5) runs and peak RSS (/usr/bin/time -v).
 * Target (issue 7): ≥ 2× faster than mkfs.fat + mcopy, peak RSS < 100 MiB.
 * Same durability for both: our writer fsyncs the image before renaming it into place (atomic output),
 * and mkfs.fat + mcopy end with `sync IMG`, an fsync of the image. The two take turns within each round.
 * The engine side is bundled with esbuild into a small CLI so that RSS is the writer's alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = Number(process.env.RUNS ?? 5);
const imageMiB = 1200;
const work = mkdtempSync(join(tmpdir(), 'cmts-bench-usb-'));
const have = (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;

try {
  if (!['sfdisk', 'mkfs.fat', 'mcopy', '/usr/bin/time'].every(have)) {
    console.log('30-usb: skipped (needs sfdisk, mkfs.fat, mtools and /usr/bin/time)');
    process.exit(0);
  }
  // The tree: a 1 GiB boot.wim plus the small boot files around it.
  const tree = join(work, 'tree');
  for (const d of ['EFI/BOOT', 'boot/fonts', 'sources', 'SMS/data']) mkdirSync(join(tree, d), { recursive: true });
  spawnSync('sh', ['-c', `head -c ${1 << 30} /dev/urandom > '${join(tree, 'sources/boot.wim')}'`]);
  for (const [p, n] of [['EFI/BOOT/BOOTX64.EFI', 2560], ['bootmgr', 400_000], ['bootmgr.efi', 1_300_000], ['boot/BCD', 16_384], ['boot/boot.sdi', 3_170_304], ['SMS/data/Variables.dat', 20_000]]) {
    spawnSync('sh', ['-c', `head -c ${n} /dev/urandom > '${join(tree, p)}'`]);
  }
  for (let i = 0; i < 20; i++) writeFileSync(join(tree, 'boot/fonts', `font${i}.ttf`), new Uint8Array(50_000).fill(i));

  // Our CLI: walks the tree with diskFileSource and writes the image.
  const entry = join(work, 'usb-cli.ts');
  writeFileSync(entry, `
    import { readdirSync, statSync } from 'node:fs';
    import { join, relative } from 'node:path';
    import { diskFileSource, treeFromPaths } from ${JSON.stringify(join(root, 'engine/src/formats/sources.ts'))};
    import { planFatDisk } from ${JSON.stringify(join(root, 'engine/src/formats/fat/index.ts'))};
    import { writeFatDiskTo } from ${JSON.stringify(join(root, 'engine/src/usb/index.ts'))};
    const [src, out, size] = process.argv.slice(2);
    const paths = [];
    const walk = (d) => { for (const n of readdirSync(d)) { const p = join(d, n); statSync(p).isDirectory() ? walk(p) : paths.push(p); } };
    walk(src);
    const entries = await Promise.all(paths.map(async (p) => [relative(src, p), await diskFileSource(p)]));
    const plan = planFatDisk(treeFromPaths(entries), { diskSizeBytes: Number(size), volumeLabel: 'CMTSUSB', volumeId: 1 });
    await writeFatDiskTo(plan, { path: out, kind: 'image' }, { force: true });
  `);
  const cli = join(work, 'usb-cli.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: cli, logLevel: 'error' });

  const img = join(work, 'out.img');
  const timed = (cmd) => {
    rmSync(img, { force: true });
    spawnSync('sync'); // the previous run's dirty pages must not be written back inside this one
    const r = spawnSync('/usr/bin/time', ['-v', 'sh', '-c', cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
    const wall = r.stderr.match(/Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/);
    const rss = Number(r.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/)[1]) / 1024;
    return { seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rss };
  };
  const cases = {
    'CmTsMedia writeFatDiskTo (inner function)': `node '${cli}' '${tree}' '${img}' ${imageMiB << 20}`,
    'sfdisk + mkfs.fat + mcopy': `truncate -s ${imageMiB}M '${img}' && printf 'label: dos\\nstart=2048, type=c, bootable\\n' | sfdisk -q '${img}' && ` +
      `mkfs.fat -F 32 -n CMTSUSB --offset 2048 -h 2048 '${img}' ${(imageMiB * 2048 - 2048) / 2} >/dev/null && MTOOLS_SKIP_CHECK=1 mcopy -s -m -i '${img}@@1M' '${tree}'/* ::/ && sync '${img}'`,
  };
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (const cmd of Object.values(cases)) timed(cmd); // warm-up: page cache
  for (let round = 0; round < runs; round++) {
    for (const [name, cmd] of Object.entries(cases)) samples[name].push(timed(cmd));
  }
  const rows = Object.entries(samples).map(([name, s]) => ({ name, seconds: median(s.map((x) => x.seconds)), rss: Math.max(...s.map((x) => x.rss)) }));
  console.log(`30-usb, inner function (writeFatDisk in a small CLI, not the shipped engine; end to end: 60-product): UFD+FORMAT, 1 GiB tree → ${imageMiB} MiB image, median of ${runs} (warm page cache)`);
  console.log('| case | median s | MiB/s | peak RSS MiB |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${(1024 / r.seconds).toFixed(0)} | ${r.rss.toFixed(1)} |`);
  const ratio = rows[1].seconds / rows[0].seconds;
  console.log(`speed-up ${ratio.toFixed(2)}× (target ≥ 2×), our peak RSS ${rows[0].rss.toFixed(1)} MiB (target < 100)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

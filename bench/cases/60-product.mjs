// The product, end to end (issue 19, docs/performance.md): what a user runs, timed as a user waits.
// Each engine side spawns an engine process, waits for its hello, sends one createBootMedia over
// stdin (as the module does), waits for the result and the exit, then `sync`s the destination;
// process start, the site catalog, the boot image's metadata, the media certificate, hashing for
// the manifest and the fsyncs are all inside the time. Beside it, of the same bytes, in turns:
//   cp boot.wim + sync                      the floor: the media are the WIM plus ~2 MB
//   genisoimage / xorriso of the media tree  ISO makers (the tree read back from an engine ISO)
//   sfdisk + mkfs.fat + mcopy                 a FAT32 disk image of the same tree and size
// and the same engine bundle on the dev runtime (this Node, dist/engine.cjs) and on the shipped
// Node 22 as a plain script, so the shipped/dev ratio and the SEA's own share are measured too.
// Median of RUNS (default 5) rounds, the sides taking turns (in an order that turns each round); `sync` before every run; CPU time
// (user + system) and peak RSS from /usr/bin/time. Then one run of each media type from a ~3.9 GiB
// boot image (the largest a FAT32 UFD holds; real bytes, generated into a temporary folder and removed; E2E_BIG_MIB=0 skips it):
// peak RSS must stay under 100 MiB and flat.
// Needs `npm run build` (dist/bin/linux-x64, dist/engine.cjs). The 1 GiB boot image is generated
// once into .cache/bench/readback (shared with 50-readback); E2E_MIB sets another size.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, TARGETS, nodeBinDir } from '../../build/lib.mjs';
import { commandRun, engineRun, makeSite, makeWim, siteIsStale } from './40-media.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Math.max(1, Number(process.env.RUNS ?? 5));
const bulkMiB = Number(process.env.E2E_MIB ?? 1020);
// FAT32 holds files up to 4 GiB - 1 byte (docs/usb.md), so the large boot image stays just below 4 GiB
const bigMiB = Number(process.env.E2E_BIG_MIB ?? 4000);
const cache = bulkMiB === 1020 ? join(repo, '.cache/bench/readback') : join(repo, `.cache/bench/product-${bulkMiB}`);
const have = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const q = (s) => `'${s}'`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim().replace(/^.*load/, 'load');

/** A site catalog whose boot image has `mib` MiB of bulk data, generated once into `dir`. */
function site(dir, mib) {
  const catalog = join(dir, 'site/site.json');
  if (siteIsStale(catalog)) {
    process.stdout.write(`60-product: generating a ~${mib} MiB boot image in ${dir} ...\n`);
    mkdirSync(dir, { recursive: true });
    makeWim(join(dir, 'boot.wim'), mib, join(dir, 'wim-tree'));
    makeSite(join(dir, 'boot.wim'), join(dir, 'site'));
  }
  return { catalog, wim: join(dir, 'site/content/dp01/PS100005/boot.PS100005.wim') };
}

/** Disk image size for UFD+FORMAT: the WIM plus room, in MiB (mkfs.fat's side gets the same). */
const imageMiBFor = (wimBytes) => Math.ceil(wimBytes / 2 ** 20 / 64) * 64 + 256;

function sides(engine, bundle, node22, inputs, work, state, tree) {
  const iso = join(work, 'media.iso');
  const img = join(work, 'media.img');
  const imageMiB = imageMiBFor(statSync(inputs.wim).size);
  const cd = { mediaType: 'CD', destinationPath: iso, bootImageId: 'PS100005', siteCatalog: inputs.catalog, force: true };
  const ufd = { mediaType: 'UFD+FORMAT', destinationPath: img, bootImageId: 'PS100005', siteCatalog: inputs.catalog, force: true, imageSizeBytes: imageMiB * 2 ** 20 };
  const boot = [
    existsSync(join(tree, 'boot/etfsboot.com')) && '-b boot/etfsboot.com -no-emul-boot -boot-load-size 8',
    existsSync(join(tree, 'efi/microsoft/boot/efisys.bin')) && '-eltorito-alt-boot -e efi/microsoft/boot/efisys.bin -no-emul-boot',
  ].filter(Boolean).join(' ');
  const list = [
    { key: 'cd', name: 'engine CD (shipped executable)', run: () => engineRun([engine], cd, state) },
    { key: 'ufd', name: 'engine UFD+FORMAT (shipped executable)', run: () => engineRun([engine], ufd, state) },
    // every other engine side finds the boot image's digest remembered (ops/hash-cache.ts): this one hashes it
    { key: 'cdFirst', name: 'engine CD (shipped executable), first from this boot image: digest not remembered', run: () => {
      rmSync(join(state, 'cache'), { recursive: true, force: true });
      return engineRun([engine], cd, state);
    } },
    { key: 'cp', name: 'cp boot.wim + sync', run: () => commandRun(`cp ${q(inputs.wim)} ${q(iso)} && sync ${q(iso)}`) },
    have('genisoimage') && { key: 'genisoimage', name: 'genisoimage -J -udf of the tree + sync', run: () => commandRun(`genisoimage -quiet -iso-level 3 -J -joliet-long -D -udf -allow-limited-size ${boot ? `-c boot/boot.cat -hide boot/boot.cat -hide-joliet boot/boot.cat ${boot}` : ''} -o ${q(iso)} ${q(tree)} && sync ${q(iso)}`) },
    have('xorriso') && { key: 'xorriso', name: 'xorriso -as mkisofs of the tree + sync', run: () => commandRun(`xorriso -as mkisofs -quiet -iso-level 3 -J -joliet-long --norock ${boot ? `--boot-catalog-hide ${boot}` : ''} -o ${q(iso)} ${q(tree)} 2>/dev/null && sync ${q(iso)}`) },
    ['sfdisk', 'mkfs.fat', 'mcopy'].every(have) && {
      key: 'mkfs',
      name: 'sfdisk + mkfs.fat + mcopy + sync',
      run: () => commandRun(`truncate -s ${imageMiB}M ${q(img)} && printf 'label: dos\\nstart=2048, type=c, bootable\\n' | sfdisk -q ${q(img)} && `
        + `mkfs.fat -F 32 -n CMTSUSB --offset 2048 -h 2048 ${q(img)} ${(imageMiB * 2048 - 2048) / 2} >/dev/null && MTOOLS_SKIP_CHECK=1 mcopy -s -m -i ${q(`${img}@@1M`)} ${q(tree)}/* ::/ && sync ${q(img)}`),
    },
    { key: 'dev', name: `engine CD, dev runtime (Node ${process.version} dist/engine.cjs)`, run: () => engineRun([process.execPath, bundle], cd, state) },
    node22 && { key: 'n22', name: 'engine CD, shipped Node 22 running dist/engine.cjs (no SEA)', run: () => engineRun([node22, bundle], cd, state) },
  ].filter(Boolean);
  return { list, clean: () => [iso, img].forEach((f) => rmSync(f, { force: true })) };
}

function report(list, samples) {
  const rows = Object.fromEntries(list.map((s) => [s.key, {
    name: s.name,
    seconds: median(samples[s.key].map((r) => r.seconds)),
    cpu: median(samples[s.key].map((r) => r.cpuSeconds)),
    rss: Math.max(...samples[s.key].map((r) => r.rssMiB)),
  }]));
  const cp = rows.cp.seconds;
  process.stdout.write(`| side | median s | CPU s | peak RSS MiB | / cp |\n|---|---:|---:|---:|---:|\n`);
  for (const r of Object.values(rows)) process.stdout.write(`| ${r.name} | ${r.seconds.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.rss.toFixed(1)} | ${(r.seconds / cp).toFixed(2)} |\n`);
  const ratio = (a, b) => (rows[a] && rows[b] ? rows[a].seconds / rows[b].seconds : NaN);
  const line = (what, value, target) => `${what}: ${value.toFixed(2)}${target ? ` (target <= ${target}: ${value <= target ? 'met' : 'NOT met'})` : ''}\n`;
  process.stdout.write('\n');
  process.stdout.write(line('CD, shipped engine / cp', ratio('cd', 'cp'), 1.25));
  process.stdout.write(line('UFD+FORMAT, shipped engine / cp', ratio('ufd', 'cp'), 1.25));
  process.stdout.write(line('CD, shipped engine, first from a boot image (hashes it) / cp', ratio('cdFirst', 'cp')));
  if (rows.genisoimage) process.stdout.write(line('CD, shipped engine / genisoimage', ratio('cd', 'genisoimage'), 1));
  if (rows.xorriso) process.stdout.write(line('CD, shipped engine / xorriso', ratio('cd', 'xorriso')));
  if (rows.mkfs) process.stdout.write(line('UFD+FORMAT, shipped engine / sfdisk + mkfs.fat + mcopy', ratio('ufd', 'mkfs'), 1));
  process.stdout.write(line('runtime, shipped executable / dev runtime (CD)', ratio('cd', 'dev'), 1.1));
  if (rows.n22) process.stdout.write(line('runtime, shipped executable / Node 22 running the bundle (the SEA\'s own share)', ratio('cd', 'n22')));
  const rss = Math.max(rows.cd.rss, rows.ufd.rss);
  process.stdout.write(`peak RSS of the shipped engine: ${rss.toFixed(1)} MiB (target < 100: ${rss < 100 ? 'met' : 'NOT met'})\n`);
  return rows;
}

/** One CD and one UFD+FORMAT run from a `mib` MiB boot image: peak RSS against the 1 GiB runs'. */
async function bigInput(engine, work, state, oneGiBRows) {
  const dir = join(work, 'big');
  const inputs = site(dir, bigMiB);
  const wimBytes = statSync(inputs.wim).size;
  const out = { iso: join(work, 'big.iso'), img: join(work, 'big.img') };
  const results = {};
  for (const [key, request] of [
    ['cd', { mediaType: 'CD', destinationPath: out.iso, bootImageId: 'PS100005', siteCatalog: inputs.catalog, force: true }],
    ['ufd', { mediaType: 'UFD+FORMAT', destinationPath: out.img, bootImageId: 'PS100005', siteCatalog: inputs.catalog, force: true, imageSizeBytes: imageMiBFor(wimBytes) * 2 ** 20 }],
  ]) {
    spawnSync('sync');
    results[key] = await engineRun([engine], request, state);
    rmSync(request.destinationPath, { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`\n60-product: a ${(wimBytes / 2 ** 30).toFixed(2)} GiB boot image, one run each (${load()})\n`);
  process.stdout.write('| media | s | CPU s | peak RSS MiB | peak RSS with 1 GiB |\n|---|---:|---:|---:|---:|\n');
  for (const [key, label] of [['cd', 'CD'], ['ufd', 'UFD+FORMAT']]) {
    const r = results[key];
    process.stdout.write(`| ${label} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.rssMiB.toFixed(1)} | ${oneGiBRows[key].rss.toFixed(1)} |\n`);
  }
  const peak = Math.max(results.cd.rssMiB, results.ufd.rssMiB);
  const growth = peak - Math.max(oneGiBRows.cd.rss, oneGiBRows.ufd.rss);
  process.stdout.write(`peak RSS ${peak.toFixed(1)} MiB (target < 100: ${peak < 100 ? 'met' : 'NOT met'}), ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB over the 1 GiB input (flat: ${growth < 8 ? 'yes' : 'NO'})\n`);
}

export default async function productBench() {
  if (!['wimlib-imagex', 'bsdtar', '/usr/bin/time'].every(have)) {
    process.stdout.write('60-product: skipped (needs wimtools, libarchive-tools and /usr/bin/time)\n');
    return;
  }
  const engine = process.env.ENGINE ?? join(DIST, 'bin', 'linux-x64', TARGETS['linux-x64'].exe);
  const bundle = join(DIST, 'engine.cjs');
  if (!existsSync(engine) || !existsSync(bundle)) {
    process.stdout.write(`60-product: skipped: ${engine} or ${bundle} does not exist; run npm run build\n`);
    return;
  }
  const shippedNode = join(nodeBinDir(TARGETS['linux-x64'].pkg), 'package', TARGETS['linux-x64'].bin);
  const node22 = existsSync(shippedNode) ? shippedNode : null;
  const inputs = site(cache, bulkMiB);
  const work = mkdtempSync(join(tmpdir(), 'cmts-bench-product-'));
  try {
    const state = join(work, 'state');
    mkdirSync(state);
    // the media's files, for the other tools: read back from an engine-made ISO (Joliet names)
    const tree = join(work, 'tree');
    mkdirSync(tree);
    const first = join(work, 'first.iso');
    await engineRun([engine], { mediaType: 'CD', destinationPath: first, bootImageId: 'PS100005', siteCatalog: inputs.catalog, force: true }, state);
    execFileSync('bsdtar', ['-xf', first, '-C', tree]);
    rmSync(first);
    const { list, clean } = sides(engine, bundle, node22, inputs, work, state, tree);
    const samples = Object.fromEntries(list.map((s) => [s.key, []]));
    const before = load();
    for (let round = 0; round < runs; round++) {
      // the order turns by one side each round, so that no side always runs first or after the same
      // one (docs/performance.md "Later runs, and how far one run can be trusted")
      const shift = round % list.length;
      for (const side of [...list.slice(shift), ...list.slice(0, shift)]) {
        clean();
        spawnSync('sync');
        samples[side.key].push(await side.run());
      }
    }
    clean();
    const wimBytes = statSync(inputs.wim).size;
    process.stdout.write(`\n60-product: boot media from a ${(wimBytes / 2 ** 30).toFixed(2)} GiB boot image, end to end (median of ${runs}, sides in turns; wall s incl. process start and sync; ${before}, after: ${load()})\n`);
    const rows = report(list, samples);
    rmSync(tree, { recursive: true, force: true });
    if (bigMiB > 0) await bigInput(engine, work, state, rows);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

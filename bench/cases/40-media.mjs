// End-to-end bench (issue 5): boot media (CD) from a ~500 MB boot image through the real engine
// process (engine/src/main.ts bundled with esbuild, driven over its stdio protocol), against
// `xorriso -as mkisofs` writing an ISO of the same files with the same two boot entries.
// Target: ours at most 1.3x xorriso. Median of RUNS (default 5, at least 5) runs, the two tools
// taking turns; `sync` before every run (no earlier run's dirty pages in this one) and every
// command ends with `sync OUT` (fsync of the image; the engine also fsyncs it before the rename).
// Peak RSS from /usr/bin/time. The inputs are generated once into .cache/bench/media/:
//   boot.wim  wimcapture --compress=none of the demo boot image's files
//             (module/Demo/content/dp01/PS100005/boot.PS100005.wim) plus ~500 MB of mixed data
//   site/     module/Demo/site.json and its certificates, the boot image replaced by boot.wim
//   tree/     the files of the media (read back from one engine-made ISO with bsdtar), for xorriso
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cache = join(repo, '.cache/bench/media');
const runs = Math.max(5, Number(process.env.RUNS ?? 5));
const defaultBulkMiB = 500;
const have = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const q = (s) => `'${s}'`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The boot image: the demo WIM's files plus bulk data, half random, half compressible text. */
export function makeWim(wim, bulkMiB = defaultBulkMiB, tree = join(cache, 'wim-tree')) {
  rmSync(tree, { recursive: true, force: true });
  execFileSync('wimlib-imagex', ['apply', join(repo, 'module/Demo/content/dp01/PS100005/boot.PS100005.wim'), '1', tree], { stdio: 'ignore' });
  const bulk = join(tree, 'sources/bulk');
  mkdirSync(bulk, { recursive: true });
  const block = Buffer.alloc(1 << 20);
  const line = Buffer.from('bootmgr osdevice ramdisk=[boot]\\sources\\boot.wim,{ramdiskoptions} detecthal winpe\r\n');
  for (let file = 0; file < bulkMiB / 20; file++) {
    const fd = openSync(join(bulk, `part${String(file).padStart(3, '0')}.bin`), 'w');
    for (let i = 0; i < 20; i++) {
      if ((file + i) % 2) randomFillSync(block);
      else for (let at = 0; at < block.length; at += line.length) line.copy(block, at);
      block.writeUInt32LE(file * 20 + i, 0);
      writeSync(fd, block);
    }
    closeSync(fd);
  }
  execFileSync('wimlib-imagex', ['capture', tree, `${wim}.tmp`, 'CmTsMedia bench boot image (x64)', '--compress=none', '--boot', '--image-property', 'WINDOWS/ARCH=9'], { stdio: 'ignore' });
  renameSync(`${wim}.tmp`, wim);
  rmSync(tree, { recursive: true, force: true });
}

/**
 * True when the generated site at `catalogPath` is missing or older than the demo boot image it
 * was made from (the demo's boot files moved, e.g. efisys.bin into DVD\EFI\en-US: a stale bench
 * WIM would give media without them).
 */
export function siteIsStale(catalogPath) {
  if (!existsSync(catalogPath)) return true;
  return statSync(join(repo, 'module/Demo/content/dp01/PS100005/boot.PS100005.wim')).mtimeMs > statSync(catalogPath).mtimeMs;
}

/** A copy of the demo site whose boot image PS100005 is the bench WIM. */
export function makeSite(wim, site) {
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  cpSync(join(repo, 'module/Demo/certs'), join(site, 'certs'), { recursive: true });
  const catalog = JSON.parse(readFileSync(join(repo, 'module/Demo/site.json'), 'utf8'));
  catalog.bootImages[0].path = 'PS100005/boot.PS100005.wim';
  const target = join(site, catalog.distributionPoints[0].contentPath, catalog.bootImages[0].path);
  mkdirSync(dirname(target), { recursive: true });
  renameSync(wim, target);
  writeFileSync(join(site, 'site.json'), JSON.stringify(catalog, null, 2));
  return join(site, 'site.json');
}

/**
 * Runs the engine once: hello, one request (createBootMedia), result, stdin EOF, then `sync` of the
 * destination; resolves its wall time, CPU time (user + system), peak RSS and result. `engine` is a
 * script for this Node or an argv (the single executable, another runtime and a script).
 */
export function engineRun(engine, request, stateDir, command = 'createBootMedia') {
  const timeFile = join(stateDir, 'time.txt');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const argv = Array.isArray(engine) ? engine : [process.execPath, engine];
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, ...argv], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, CMTSMEDIA_STATE_DIR: stateDir },
    });
    let pending = '';
    let result = null;
    child.stdout.setEncoding('utf8').on('data', (text) => {
      pending += text;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const message = JSON.parse(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        if (message.event === 'hello') child.stdin.write(JSON.stringify({ id: 1, command, params: request }) + '\n');
        if (message.id === 1 && (message.result || message.error)) {
          result = message;
          child.stdin.end();
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!result?.result) return reject(new Error(`engine exit ${code}: ${JSON.stringify(result?.error ?? null)}`));
      if (request.destinationPath) spawnSync('sync', [request.destinationPath]);
      const [kib, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve({ seconds: (performance.now() - started) / 1000, cpuSeconds: user + system, rssMiB: kib / 1024, result: result.result });
    });
  });
}

/** Runs a shell command under /usr/bin/time: wall time, CPU time (user + system), peak RSS. */
export function commandRun(command) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', 'sh', '-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
  const [seconds, kib, user, system] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, cpuSeconds: user + system, rssMiB: kib / 1024 };
}

export default async function mediaBench() {
  if (!['wimlib-imagex', 'xorriso', 'bsdtar', '/usr/bin/time'].every(have)) {
    process.stdout.write('40-media: skipped (needs wimtools, xorriso, libarchive-tools and /usr/bin/time)\n');
    return;
  }
  mkdirSync(cache, { recursive: true });
  const catalogPath = join(cache, 'site/site.json');
  if (siteIsStale(catalogPath)) {
    process.stdout.write(`40-media: generating a ~${defaultBulkMiB} MB boot image in .cache/bench/media (once) ...\n`);
    const wim = join(cache, 'boot.wim');
    makeWim(wim);
    makeSite(wim, join(cache, 'site'));
  }
  const engine = join(repo, '.cache/bench/engine.cjs');
  await build({ entryPoints: [join(repo, 'engine/src/main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: engine, logLevel: 'warning' });

  const work = mkdtempSync(join(tmpdir(), 'cmts-bench-media-'));
  try {
    const out = join(work, 'media.iso');
    const request = { mediaType: 'CD', destinationPath: out, bootImageId: 'PS100005', siteCatalog: catalogPath, force: true };
    const stateDir = join(work, 'state');
    mkdirSync(stateDir);
    // the media's files, for xorriso: read back from an engine-made ISO (Joliet names)
    const tree = join(work, 'tree');
    await engineRun(engine, request, stateDir);
    mkdirSync(tree);
    execFileSync('bsdtar', ['-xf', out, '-C', tree]);
    for (const f of ['sources/boot.wim', 'boot/etfsboot.com', 'efi/microsoft/boot/efisys.bin']) {
      if (!existsSync(join(tree, f))) throw new Error(`40-media: ${f} missing from the media tree`);
    }
    const wimBytes = statSync(join(tree, 'sources/boot.wim')).size;
    const boot = '-b boot/etfsboot.com -no-emul-boot -boot-load-size 8 -eltorito-alt-boot -e efi/microsoft/boot/efisys.bin -no-emul-boot';
    const xorriso = `xorriso -as mkisofs -quiet -iso-level 3 -J -joliet-long --norock --boot-catalog-hide ${boot} -o ${q(out)} ${q(tree)} 2>/dev/null && sync ${q(out)}`;

    const samples = { ours: [], xorriso: [] };
    for (let i = 0; i < runs; i++) {
      for (const name of ['ours', 'xorriso']) {
        rmSync(out, { force: true });
        spawnSync('sync');
        samples[name].push(name === 'ours' ? await engineRun(engine, request, stateDir) : commandRun(xorriso));
      }
    }
    const row = (name) => ({ name, seconds: median(samples[name].map((s) => s.seconds)), rssMiB: Math.max(...samples[name].map((s) => s.rssMiB)) });
    const rows = [row('ours'), row('xorriso')];
    process.stdout.write(`\n40-media (the engine bundle on the dev runtime; the shipped executable: 60-product): CD media from a ${(wimBytes / 1e6).toFixed(0)} MB boot image (median of ${runs}, wall s incl. process start and sync OUT; peak RSS)\n`);
    process.stdout.write('| tool | median s | peak RSS MiB | ours / tool |\n|---|---:|---:|---:|\n');
    for (const r of rows) process.stdout.write(`| ${r.name === 'ours' ? 'engine createBootMedia' : 'xorriso -as mkisofs'} | ${r.seconds.toFixed(2)} | ${r.rssMiB.toFixed(1)} | ${(rows[0].seconds / r.seconds).toFixed(2)} |\n`);
    const ratio = rows[0].seconds / rows[1].seconds;
    process.stdout.write(`ratio ${ratio.toFixed(2)} (target <= 1.3): ${ratio <= 1.3 ? 'met' : 'NOT met'}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

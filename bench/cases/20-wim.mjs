#!/usr/bin/env node
// Bench: extract the ~10 boot files the media need from a ~300 MB LZX boot.wim, with the engine's
// WIM reader (engine/src/formats/wim) and with wimlib's `wimlib-imagex extract`. Target: at most
// 2x wimextract, reading only the chunks of the wanted files (plus header, tables, metadata).
// The WIM is generated once into .cache/bench/ (test/fixtures/wim/make-tree.mjs + wimcapture).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, renameSync } from 'node:fs';
import { open, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cache = join(root, '.cache', 'bench');
const wim = join(cache, 'boot-lzx-300m.wim');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const bootFiles = [
  '\\Windows\\Boot\\PCAT\\bootmgr', '\\Windows\\Boot\\EFI\\bootmgfw.efi', '\\Windows\\Boot\\EFI\\bootmgr.efi',
  '\\Windows\\Boot\\DVD\\PCAT\\etfsboot.com', '\\Windows\\Boot\\DVD\\PCAT\\BCD', '\\Windows\\Boot\\DVD\\PCAT\\boot.sdi',
  '\\Windows\\Boot\\DVD\\EFI\\BCD', '\\Windows\\Boot\\DVD\\EFI\\en-US\\efisys.bin', '\\Windows\\Boot\\Fonts\\wgl4_boot.ttf',
  '\\Windows\\Boot\\Fonts\\segmono_boot.ttf',
];

if (spawnSync('wimlib-imagex', ['--version']).status !== 0) {
  console.log('20-wim: skipped (wimlib-imagex not found; apt-get install wimtools)');
  process.exit(0);
}
mkdirSync(cache, { recursive: true });
if (!existsSync(wim)) {
  const tree = join(cache, 'wim-tree');
  rmSync(tree, { recursive: true, force: true });
  console.log('20-wim: generating a ~300 MB LZX WIM in .cache/bench (once) ...');
  execFileSync(process.execPath, [join(root, 'test/fixtures/wim/make-tree.mjs'), tree, '--bulk-mb', '620']);
  execFileSync('wimlib-imagex', ['capture', tree, `${wim}.tmp`, 'Microsoft Windows PE', '--compress=lzx', '--boot', '--image-property', 'WINDOWS/ARCH=9'], { stdio: 'ignore' });
  renameSync(`${wim}.tmp`, wim);
  rmSync(tree, { recursive: true, force: true });
}

// the reader, bundled from the TypeScript sources
const bundle = join(cache, 'wim-reader.mjs');
const esbuild = await import('esbuild');
await esbuild.build({ entryPoints: [join(root, 'engine/src/formats/wim/index.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'warning' });
const { WimReader } = await import(`${bundle}?${Date.now()}`);

// count the bytes the reader reads from the WIM
const probe = await open(wim, 'r');
const FileHandle = probe.constructor;
await probe.close();
let bytesRead = 0;
const read = FileHandle.prototype.read;
FileHandle.prototype.read = async function (...args) {
  const r = await read.apply(this, args);
  bytesRead += r.bytesRead;
  return r;
};

async function ours(dest) {
  const w = await WimReader.open(wim);
  try {
    const image = await w.image();
    for (const path of bootFiles) {
      const out = await open(join(dest, path.split('\\').pop()), 'w');
      try {
        for await (const chunk of image.source(path).open()) await out.write(chunk);
      } finally {
        await out.close();
      }
    }
  } finally {
    await w.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const dest = await mkdtemp(join(tmpdir(), 'cmts-bench-wim-'));
    const t0 = performance.now();
    await fn(dest);
    t.push(performance.now() - t0);
    rmSync(dest, { recursive: true, force: true });
  }
  return median(t);
};

const wimlibMs = await time(async (dest) => {
  execFileSync('wimlib-imagex', ['extract', wim, '1', ...bootFiles.map((p) => p.replace(/\\/g, '/')), `--dest-dir=${dest}`, '--no-acls'], { stdio: 'ignore' });
});
bytesRead = 0;
await ours(await mkdtemp(join(tmpdir(), 'cmts-bench-wim-')));
const oursBytes = bytesRead;
const inProcessMs = await time(ours);
// a fresh Node process each time, as wimextract is (start-up included)
const script = join(cache, 'wim-extract-once.mjs');
await writeFile(script, `import { WimReader } from ${JSON.stringify(bundle)};\nimport { open } from 'node:fs/promises';\nconst [wim, dest, ...files] = process.argv.slice(2);\nconst w = await WimReader.open(wim); const image = await w.image();\nfor (const p of files) { const out = await open(dest + '/' + p.split('\\\\').pop(), 'w'); for await (const c of image.source(p).open()) await out.write(c); await out.close(); }\nawait w.close();\n`);
const processMs = await time(async (dest) => {
  execFileSync(process.execPath, [script, wim, dest, ...bootFiles], { stdio: 'ignore' });
});

const nodeMs = await time(async () => {
  execFileSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
});

const mb = (n) => (n / 1e6).toFixed(1);
const wimBytes = statSync(wim).size;
console.log(`20-wim: ${bootFiles.length} boot files from a ${mb(wimBytes)} MB LZX WIM (median of ${runs})`);
console.log('| case | ms | ratio to wimextract |');
console.log('|---|---:|---:|');
console.log(`| wimlib-imagex extract | ${wimlibMs.toFixed(0)} | 1.00 |`);
console.log(`| WimReader, fresh node process | ${processMs.toFixed(0)} | ${(processMs / wimlibMs).toFixed(2)} |`);
console.log(`| WimReader, in process (the engine's case) | ${inProcessMs.toFixed(0)} | ${(inProcessMs / wimlibMs).toFixed(2)} |`);
console.log(`| (node -e 0: Node start-up alone) | ${nodeMs.toFixed(0)} | ${(nodeMs / wimlibMs).toFixed(2)} |`);
console.log(`bytes read by WimReader: ${mb(oursBytes)} MB of ${mb(wimBytes)} MB (${((100 * oursBytes) / wimBytes).toFixed(2)} %)`);
if (inProcessMs > 2 * wimlibMs) console.log('20-wim: WARNING: in-process extraction slower than 2x wimextract');

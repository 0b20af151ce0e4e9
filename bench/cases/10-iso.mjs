// ISO writer bench: our writer vs `xorriso -as mkisofs`, `genisoimage -udf` and `cp` of the same bytes,
// for (a) one 1 GiB file and (b) 2,000 small files in nested folders (+ the two El Torito images).
// Targets (issue 3): (a) ours <= xorriso and <= 1.5x cp; (b) ours <= xorriso; peak RSS < 100 MiB.
// Median wall time of RUNS (default 7) runs, the tools taking turns within each round, and peak
// RSS (/usr/bin/time %M). `sync` runs before every run (no earlier run's dirty pages are written
// back inside this one), and every command ends with `sync OUT`, an fsync of the output file(s):
// the same durability our writer gives itself (it fsyncs the image, renames it, fsyncs the folder).
// Finally one run of our writer on a 4 GiB sparse file, for its peak RSS.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeBinDir, TARGETS } from '../../build/lib.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.env.RUNS ?? 7);
const bios = 'boot/etfsboot.com';
const efi = 'efi/microsoft/boot/efisys.bin';

function have(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

function addBootFiles(tree) {
  for (const [rel, name] of [[bios, 'etfsboot.com'], [efi, 'efisys.bin']]) {
    mkdirSync(dirname(join(tree, rel)), { recursive: true });
    copyFileSync(join(repo, 'test/fixtures/boot', name), join(tree, rel));
  }
}

function oneGiB(tree) {
  mkdirSync(join(tree, 'sources'), { recursive: true });
  const fd = openSync(join(tree, 'sources/boot.wim'), 'w');
  const block = randomFillSync(Buffer.alloc(1 << 20));
  for (let i = 0; i < 1024; i++) {
    block.writeUInt32LE(i, 0); // no two blocks alike
    writeSync(fd, block);
  }
  closeSync(fd);
  addBootFiles(tree);
}

function smallFiles(tree) {
  let seed = 1;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (let i = 0; i < 2000; i++) {
    const dir = join(tree, `d${i % 40}`, `s${(i >> 6) % 3}`);
    mkdirSync(dir, { recursive: true });
    const size = 200 + (next() % (32 * 1024 - 200));
    const fd = openSync(join(dir, `file${i}.bin`), 'w');
    writeSync(fd, randomFillSync(Buffer.alloc(size)));
    closeSync(fd);
  }
  addBootFiles(tree);
}

function measure(command) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'sh', '-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
  const [seconds, kib] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, rssMiB: kib / 1024 };
}

// Our writer runs on the runtime the engine ships with (the Node 22 inside the SEA, which `npm run
// build` fetches to .cache/node-bins) when it is there, else on this Node; when the two differ the
// table has a second row, `ours@dev`, on this Node. (Debian's Node 20 takes 60-70 ms to start an
// empty script on the bench VM, the official Node 22 binary 20 ms.)
const shippedNode = join(nodeBinDir(TARGETS['linux-x64'].pkg), 'package', 'bin', 'node');
const ourNode = process.platform === 'linux' && process.arch === 'x64' && existsSync(shippedNode) ? shippedNode : process.execPath;
const cli = join(repo, '.cache/bench/iso-cli.cjs');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bench(label, tree, work, single) {
  const out = join(work, 'out.iso');
  const q = (s) => `'${s}'`;
  const boot = `-b ${bios} -no-emul-boot -boot-load-size 8 -eltorito-alt-boot -e ${efi} -no-emul-boot`;
  const tools = {
    ours: `${q(ourNode)} ${q(cli)} ${q(tree)} ${q(out)} ${bios} ${efi} && sync ${q(out)}`,
    'ours@dev': ourNode !== process.execPath && `${q(process.execPath)} ${q(cli)} ${q(tree)} ${q(out)} ${bios} ${efi} && sync ${q(out)}`,
    xorriso: have('xorriso') && `xorriso -as mkisofs -quiet -iso-level 3 -J -joliet-long --norock --boot-catalog-hide ${boot} -o ${q(out)} ${q(tree)} 2>/dev/null && sync ${q(out)}`,
    genisoimage: have('genisoimage') && `genisoimage -quiet -iso-level 3 -J -joliet-long -D -udf -allow-limited-size -c boot/boot.cat -hide boot/boot.cat -hide-joliet boot/boot.cat ${boot} -o ${q(out)} ${q(tree)} && sync ${q(out)}`,
    // a copied tree: an fsync of every file it holds
    cp: single ? `cp ${q(join(tree, single))} ${q(out)} && sync ${q(out)}` : `cp -r ${q(tree)} ${q(out)} && find ${q(out)} -type f -exec sync {} +`,
  };
  const names = Object.keys(tools).filter((name) => tools[name]);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      rmSync(out, { recursive: true, force: true });
      spawnSync('sync');
      samples[name].push(measure(tools[name]));
    }
  }
  rmSync(out, { recursive: true, force: true });
  const rows = names.map((name) => ({ name, seconds: median(samples[name].map((s) => s.seconds)), rssMiB: Math.max(...samples[name].map((s) => s.rssMiB)) }));
  const ours = rows.find((r) => r.name === 'ours');
  process.stdout.write(`\ninner function (writeIso in a small CLI, not the shipped engine): ${label} (median of ${runs}, wall s incl. sync of the output; peak RSS)\n`);
  process.stdout.write('tool          median s   peak RSS MiB   ours / tool\n');
  for (const r of rows) {
    process.stdout.write(`${r.name.padEnd(12)} ${r.seconds.toFixed(2).padStart(9)} ${r.rssMiB.toFixed(1).padStart(14)} ${(ours.seconds / r.seconds).toFixed(2).padStart(13)}\n`);
  }
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const by = (name) => rows.find((r) => r.name === name)?.seconds;
  const goals = [`peak RSS < 100 MiB: ${verdict(ours.rssMiB < 100)}`];
  if (by('xorriso')) goals.unshift(`ours <= xorriso: ${verdict(ours.seconds <= by('xorriso'))}`);
  if (single) goals.push(`ours <= 1.5x cp: ${verdict(ours.seconds <= 1.5 * by('cp'))}`);
  process.stdout.write(`targets: ${goals.join('; ')}\n`);
  return rows;
}

export default async function isoBench() {
  mkdirSync(join(repo, '.cache/bench'), { recursive: true });
  await build({ entryPoints: [join(repo, 'bench/iso-cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: join(repo, '.cache/bench/iso-cli.cjs'), logLevel: 'warning' });
  process.stdout.write(`ours: Node ${spawnSync(ourNode, ['--version'], { encoding: 'utf8' }).stdout.trim()} (${ourNode === process.execPath ? 'this Node' : 'the shipped runtime'})${ourNode !== process.execPath ? `; ours@dev: Node ${process.version}` : ''}\n`);
  const work = mkdtempSync(join(tmpdir(), 'cmts-bench-iso-'));
  try {
    const big = join(work, 'big');
    oneGiB(big);
    bench('(a) one 1 GiB file', big, work, 'sources/boot.wim');
    rmSync(big, { recursive: true });
    const small = join(work, 'small');
    smallFiles(small);
    bench('(b) 2,000 small files', small, work, null);
    rmSync(small, { recursive: true });
    // peak RSS with a 4 GiB input (sparse source; the image itself is real bytes, then deleted)
    const huge = join(work, 'huge');
    mkdirSync(join(huge, 'sources'), { recursive: true });
    const fd = openSync(join(huge, 'sources/install.wim'), 'w');
    ftruncateSync(fd, 4 * 2 ** 30 + 12345);
    closeSync(fd);
    addBootFiles(huge);
    const r = measure(`'${ourNode}' '${cli}' '${huge}' '${join(work, 'huge.iso')}' ${bios} ${efi} && sync '${join(work, 'huge.iso')}'`);
    rmSync(join(work, 'huge.iso'), { force: true });
    const c = measure(`cp '${join(huge, 'sources/install.wim')}' '${join(work, 'huge.iso')}' && sync '${join(work, 'huge.iso')}'`);
    process.stdout.write(`\n(c) 4 GiB sparse input, ours: ${r.seconds.toFixed(2)} s, peak RSS ${r.rssMiB.toFixed(1)} MiB (cp of the file: ${c.seconds.toFixed(2)} s)\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (existsSync(join(work))) process.stderr.write(`could not remove ${work}\n`);
  }
}

// Content-library hash check (issue 14): what checking a 1 GiB boot image's SHA-256 while the ISO
// writer copies it costs, on the main thread and on a worker thread, against the same writer without
// the check and against `cp` (issue 19's goal: creation <= 1.25x cp). Median wall time of RUNS
// (default 5) runs taking turns; `sync` before each run and an fsync of the output in each, as in
// 10-iso.mjs. Also the main thread's CPU time (%U user seconds), where the worker's saving shows.
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.env.RUNS ?? 5);
const cli = join(repo, '.cache/bench/iso-cli.cjs');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(command, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %M', 'sh', '-c', command], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
  const [seconds, userSeconds] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, userSeconds };
}

export default async function contentHashBench() {
  mkdirSync(join(repo, '.cache/bench'), { recursive: true });
  await build({ entryPoints: [join(repo, 'bench/iso-cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'warning' });
  const work = mkdtempSync(join(tmpdir(), 'cmts-bench-hash-'));
  try {
    const tree = join(work, 'tree');
    mkdirSync(join(tree, 'sources'), { recursive: true });
    const wim = join(tree, 'sources/boot.wim');
    const fd = openSync(wim, 'w');
    const hash = createHash('sha256');
    const block = randomFillSync(Buffer.alloc(1 << 20));
    for (let i = 0; i < 1024; i++) {
      block.writeUInt32LE(i, 0);
      writeSync(fd, block);
      hash.update(block);
    }
    closeSync(fd);
    const sha256 = hash.digest('hex').toUpperCase();
    for (const name of ['etfsboot.com', 'efisys.bin']) copyFileSync(join(repo, 'test/fixtures/boot', name), join(tree, name));
    const out = join(work, 'out.iso');
    const ours = `'${process.execPath}' '${cli}' '${tree}' '${out}' etfsboot.com efisys.bin && sync '${out}'`;
    const cases = {
      cp: [`cp '${wim}' '${out}' && sync '${out}'`, {}],
      'ours, no check': [ours, {}],
      'ours, hash inline': [ours, { CMTS_BENCH_SHA256: sha256, CMTS_BENCH_HASH: 'inline' }],
      'ours, hash worker': [ours, { CMTS_BENCH_SHA256: sha256, CMTS_BENCH_HASH: 'worker' }],
    };
    const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let i = 0; i < runs; i++) {
      for (const [name, [command, env]] of Object.entries(cases)) {
        rmSync(out, { force: true });
        spawnSync('sync');
        samples[name].push(measure(command, env));
      }
    }
    const cp = median(samples.cp.map((s) => s.seconds));
    process.stdout.write(`\none 1 GiB boot.wim into an ISO (median of ${runs}; wall s incl. fsync; user CPU s of the process)\n`);
    process.stdout.write('case                 median s   user s   / cp\n');
    for (const [name, list] of Object.entries(samples)) {
      const s = median(list.map((x) => x.seconds));
      process.stdout.write(`${name.padEnd(18)} ${s.toFixed(2).padStart(10)} ${median(list.map((x) => x.userSeconds)).toFixed(2).padStart(8)} ${(s / cp).toFixed(2).padStart(6)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

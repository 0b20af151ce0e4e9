/**
 * `npm run bench -- product` (bench/cases/60-product.mjs, docs/performance.md) runs end to end on a
 * tiny boot image: every side finishes and every ratio line is printed. Its figures are not
 * checked here (timings belong to the bench; a busy machine would fail them).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const have = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const tools = ['wimlib-imagex', 'bsdtar', '/usr/bin/time', 'genisoimage', 'xorriso', 'sfdisk', 'mkfs.fat', 'mcopy'];

describe.runIf(process.platform === 'linux' && tools.every(have))('bench 60-product', () => {
  it('runs the shipped executable beside cp, the ISO makers, mkfs.fat + mcopy and the dev runtime, and prints every ratio', () => {
    const r = spawnSync(process.execPath, [join(root, 'bench/run.mjs'), 'product'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, RUNS: '1', E2E_MIB: '4', E2E_BIG_MIB: '8' },
      timeout: 300_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const side of ['engine CD (shipped executable)', 'engine UFD+FORMAT (shipped executable)', 'engine CD (shipped executable), first from this boot image', 'cp boot.wim + sync', 'genisoimage', 'xorriso', 'sfdisk + mkfs.fat + mcopy', 'engine CD, dev runtime']) {
      expect(r.stdout).toMatch(new RegExp(`^\\| ${side.replace(/[+()]/g, '\\$&')}[^|]* \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\| \\d+\\.\\d \\| \\d+\\.\\d\\d \\|$`, 'm'));
    }
    for (const ratio of ['CD, shipped engine / cp', 'UFD+FORMAT, shipped engine / cp', 'CD, shipped engine, first from a boot image (hashes it) / cp', 'CD, shipped engine / genisoimage', 'UFD+FORMAT, shipped engine / sfdisk + mkfs.fat + mcopy', 'runtime, shipped executable / dev runtime (CD)']) {
      expect(r.stdout).toMatch(new RegExp(`^${ratio.replace(/[+()/]/g, '\\$&')}: \\d+\\.\\d\\d`, 'm'));
    }
    expect(r.stdout).toMatch(/^peak RSS of the shipped engine: \d+\.\d MiB/m);
    expect(r.stdout).toMatch(/^\| UFD\+FORMAT \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d \| \d+\.\d \|$/m);
  }, 300_000);
});

/**
 * UFD+FORMAT images checked by independent readers: fsck.fat -n on the partition (read-only loop
 * device with offset), mtools listings and byte-for-byte copies, OVMF booting the image as a USB
 * stick, and a loop device as the target.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCmTsError } from '../../../engine/src/errors/index.js';
import { planFatDisk } from '../../../engine/src/formats/fat/index.js';
import { treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { FileSource } from '../../../engine/src/formats/tree.js';
import { formatUsbDisk, writeFatDiskTo } from '../../../engine/src/usb/index.js';
import { bootUsbUefi, qemuUnavailable } from '../../helpers/qemu.js';
import { have, isRoot, mediaTree, run, scratch, sh } from './tools.js';

const MiB = 1 << 20;
const mtoolsEnv = { MTOOLS_SKIP_CHECK: '1', LC_ALL: 'C.UTF-8' };
const options = { volumeLabel: 'Configuration Manager', volumeId: 0x1234abcd, timestamp: new Date(Date.UTC(2024, 4, 17)) };

const work = scratch('cmts-fat-');
const loops: string[] = [];
afterAll(() => {
  for (const l of loops) run('losetup', ['-d', l]);
  work.cleanup();
});

/** fsck.fat -n on the partition through a read-only loop device at the partition's offset. */
function fsck(image: string): { status: number | null; out: string } {
  const loop = sh('losetup', ['--find', '--show', '--read-only', '--offset', String(MiB), image]).trim();
  loops.push(loop);
  try {
    return run('fsck.fat', ['-n', '-v', loop]);
  } finally {
    run('losetup', ['-d', loop]);
    loops.splice(loops.indexOf(loop), 1);
  }
}

const canFsck = isRoot && have('fsck.fat', 'losetup');
const canMtools = have('mdir', 'mcopy');

describe('a UFD+FORMAT image', () => {
  const { tree, files } = mediaTree();
  const image = join(work.dir, 'usb.img');
  beforeAll(async () => {
    const plan = planFatDisk(tree, { ...options, diskSizeBytes: 80 * MiB });
    const progress: number[] = [];
    await writeFatDiskTo(plan, { path: image, kind: 'image' }, { onProgress: (done) => progress.push(done) });
    expect(progress.at(-1)).toBe(plan.endOfDataBytes);
  });

  it('has the requested size and no temporary file left', () => {
    expect(statSync(image).size).toBe(80 * MiB);
    expect(readdirSync(work.dir).filter((n) => n.includes('cmtsmedia-tmp'))).toEqual([]);
  });

  it.skipIf(!canFsck)('passes fsck.fat -n', () => {
    const r = fsck(image);
    expect(r.out).not.toMatch(/differ|Free cluster summary wrong|Dirty|invalid|Orphan/i);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/32 bit entries/);
    expect(r.out).toMatch(/Checking free cluster summary/);
  });

  it.skipIf(!canMtools)('lists with mtools, long names and label included, and every file has its bytes', () => {
    const listing = sh('mdir', ['-/', '-a', '-i', `${image}@@1M`, '::'], { env: mtoolsEnv });
    expect(listing).toMatch(/Volume in drive : is CONFIGURATI/);
    expect(listing).toMatch(/Volume Serial Number is 1234-ABCD/);
    expect(listing).toContain('A file name longer than thirteen characters, with spaces + commas; and ünïcödé.txt');
    const out = join(work.dir, 'extract');
    mkdirSync(out);
    sh('mcopy', ['-s', '-n', '-m', '-i', `${image}@@1M`, '::*', `${out}/`], { env: mtoolsEnv });
    for (const [path, bytes] of files) {
      expect(Buffer.compare(readFileSync(join(out, path)), bytes), path).toBe(0);
    }
    expect(existsSync(join(out, 'empty folder'))).toBe(true);
    expect(statSync(join(out, 'zero.bin')).size).toBe(0);
  });

  it('is byte-identical when written twice with the same inputs', async () => {
    const again = join(work.dir, 'again.img');
    await writeFatDiskTo(planFatDisk(tree, { ...options, diskSizeBytes: 80 * MiB }), { path: again, kind: 'image' });
    expect(Buffer.compare(readFileSync(again), readFileSync(image))).toBe(0);
  });

  const noQemu = qemuUnavailable('uefi');
  it.skipIf(noQemu !== undefined)('boots under OVMF as a USB stick', async () => {
    const result = await bootUsbUefi(image, { timeoutMs: 90_000 });
    expect(result.passed, result.serial.slice(-2000)).toBe(true);
  }, 120_000);
});

describe('writeFatDiskTo failure handling', () => {
  it('leaves no file when canceled or when a source changes size, and keeps an existing image without force', async () => {
    let calls = 0;
    const controller = new AbortController();
    const slow: FileSource = {
      sizeBytes: 8 * MiB,
      origin: 'slow',
      async *open(signal) {
        for (let i = 0; i < 8; i++) {
          signal?.throwIfAborted();
          if (++calls === 3) controller.abort();
          yield new Uint8Array(MiB);
        }
      },
    };
    const target = join(work.dir, 'canceled.img');
    const plan = planFatDisk(treeFromPaths([['big.bin', slow]]), { ...options, diskSizeBytes: 64 * MiB });
    await expect(writeFatDiskTo(plan, { path: target, kind: 'image' }, { signal: controller.signal })).rejects.toMatchObject({ code: 'E_CANCELLED' });
    const short: FileSource = { sizeBytes: 10, origin: 'short.bin', async *open() { yield new Uint8Array(5); } };
    const plan2 = planFatDisk(treeFromPaths([['short.bin', short]]), { ...options, diskSizeBytes: 64 * MiB });
    await expect(writeFatDiskTo(plan2, { path: target, kind: 'image' })).rejects.toMatchObject({ code: 'CMTSMEDIA_E_SOURCECHANGED' });
    expect(readdirSync(work.dir).filter((n) => n.startsWith('.canceled'))).toEqual([]);
    expect(existsSync(target)).toBe(false);

    writeFileSync(target, 'keep me');
    const err = await writeFatDiskTo(plan2, { path: target, kind: 'image' }).catch((e: unknown) => e);
    expect(isCmTsError(err, 'E_FILEEXISTS')).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });
});

describe.skipIf(!canFsck)('a loop device as the target', () => {
  it('is written in place like an image file, after the loop-device safety opt-in', async () => {
    const { tree, files } = mediaTree();
    const backing = join(work.dir, 'loop-backing.img');
    writeFileSync(backing, '');
    sh('truncate', ['-s', `${72 * MiB}`, backing]);
    const loop = sh('losetup', ['--find', '--show', backing]).trim();
    loops.push(loop);

    const refused = await formatUsbDisk(tree, loop, options).catch((e: unknown) => e);
    expect(isCmTsError(refused, 'CMTSMEDIA_E_NOTREMOVABLE'), String(refused)).toBe(true);

    const { target, bytesWritten } = await formatUsbDisk(tree, loop, { ...options, allowLoopDevices: true });
    expect(target).toMatchObject({ kind: 'device', path: loop, sizeBytes: 72 * MiB });
    expect(bytesWritten).toBeGreaterThan(8 * MiB);
    run('losetup', ['-d', loop]);
    loops.splice(loops.indexOf(loop), 1);

    const r = fsck(backing);
    expect(r.status, r.out).toBe(0);
    const out = join(work.dir, 'loop-extract');
    mkdirSync(out);
    sh('mcopy', ['-s', '-n', '-m', '-i', `${backing}@@1M`, '::*', `${out}/`], { env: mtoolsEnv });
    expect(Buffer.compare(readFileSync(join(out, 'sources/boot.wim')), files.get('sources/boot.wim')!)).toBe(0);
  });
});

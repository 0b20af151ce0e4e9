/** Failures end in a typed error and leave nothing at the destination: no image, no temporary file. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCmTsError, type ErrorCode } from '../../../engine/src/errors/index.js';
import { planIso } from '../../../engine/src/formats/iso/index.js';
import { writeIsoFile } from '../../../engine/src/media/write-media.js';
import { bufferSource, diskFileSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { FileSource } from '../../../engine/src/formats/tree.js';
import { isCmTsMediaTemp } from '../../../engine/src/output/atomic-file.js';
import { fixedTime, pseudoRandom, scratch } from './helpers.js';

const work = scratch();
afterAll(() => work.cleanup());
let n = 0;

function planOf(sources: Array<[string, FileSource]>) {
  return planIso(treeFromPaths(sources, fixedTime), { volumeLabel: 'neg', timestamp: fixedTime });
}

async function expectFailure(promise: Promise<unknown>, code: ErrorCode, folder: string): Promise<void> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(isCmTsError(err), String(err)).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  expect(readdirSync(folder)).toEqual([]);
}

function freshFolder(): string {
  const dir = join(work.dir, `case${n++}`);
  mkdirSync(dir);
  return dir;
}

describe('writeIsoFile failures', () => {
  it('unreadable source: E_FILENOTFOUND / E_ACCESSDENIED, no file left', async () => {
    const path = join(work.dir, 'gone.bin');
    writeFileSync(path, pseudoRandom(5000, 1));
    const source = await diskFileSource(path);
    unlinkSync(path);
    const out = freshFolder();
    await expectFailure(writeIsoFile(planOf([['gone.bin', source]]), join(out, 'x.iso')), 'E_FILENOTFOUND', out);
    const denied: FileSource = {
      sizeBytes: 10, origin: 'denied.bin',
      // eslint-disable-next-line require-yield
      async *open() {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
    };
    await expectFailure(writeIsoFile(planOf([['denied.bin', denied]]), join(out, 'x.iso')), 'E_ACCESSDENIED', out);
  });

  it('source shrinks or grows after planning: CMTSMEDIA_E_SOURCECHANGED', async () => {
    const path = join(work.dir, 'changing.bin');
    writeFileSync(path, pseudoRandom(3 << 20, 2));
    const out = freshFolder();
    const plan = planOf([['changing.bin', await diskFileSource(path)]]);
    truncateSync(path, 1 << 20);
    await expectFailure(writeIsoFile(plan, join(out, 'x.iso')), 'CMTSMEDIA_E_SOURCECHANGED', out);
    writeFileSync(path, pseudoRandom(3 << 20, 2));
    const plan2 = planOf([['changing.bin', await diskFileSource(path)]]);
    appendFileSync(path, 'more');
    await expectFailure(writeIsoFile(plan2, join(out, 'x.iso')), 'CMTSMEDIA_E_SOURCECHANGED', out);
    // a generated source that yields more than it declared
    const liar: FileSource = { sizeBytes: 4, origin: 'liar', async *open() { yield new Uint8Array(8); } };
    await expectFailure(writeIsoFile(planOf([['liar', liar]]), join(out, 'x.iso')), 'CMTSMEDIA_E_SOURCECHANGED', out);
  });

  it('existing destination: E_FILEEXISTS without force, replaced with force', async () => {
    const out = freshFolder();
    const dest = join(out, 'x.iso');
    writeFileSync(dest, 'old');
    const plan = planOf([['a.txt', bufferSource(new Uint8Array([1, 2, 3]), 'a')]]);
    const err = await writeIsoFile(plan, dest).catch((e: unknown) => e);
    expect(isCmTsError(err, 'E_FILEEXISTS')).toBe(true);
    expect((err as { detail: string }).detail).toBe(dest);
    expect(readdirSync(out)).toEqual(['x.iso']);
    expect(readFileSync(dest, 'utf8')).toBe('old');
    await writeIsoFile(plan, dest, { force: true });
    expect(readFileSync(dest).length).toBe(plan.sizeBytes);
    expect(readdirSync(out)).toEqual(['x.iso']);
  });

  it('unwritable destination: missing folder, folder is a file', async () => {
    const plan = planOf([['a.txt', bufferSource(new Uint8Array([1]), 'a')]]);
    const missing = await writeIsoFile(plan, join(work.dir, 'no', 'such', 'x.iso')).catch((e: unknown) => e);
    expect(isCmTsError(missing, 'E_FILENOTFOUND')).toBe(true);
    const file = join(work.dir, 'plain-file');
    writeFileSync(file, '');
    const notDir = await writeIsoFile(plan, join(file, 'x.iso')).catch((e: unknown) => e);
    expect(isCmTsError(notDir, 'E_PATHNOTFOUND')).toBe(true);
  });

  it('cancel: E_CANCELLED, temporary file removed', async () => {
    const out = freshFolder();
    const controller = new AbortController();
    const big: FileSource = {
      sizeBytes: 64 << 20, origin: 'endless',
      async *open() {
        const chunk = new Uint8Array(1 << 20);
        for (let i = 0; i < 64; i++) {
          if (i === 3) controller.abort();
          yield chunk;
        }
      },
    };
    await expectFailure(writeIsoFile(planOf([['big', big]]), join(out, 'x.iso'), { signal: controller.signal }), 'E_CANCELLED', out);
  });

  const root = process.getuid?.() === 0;
  describe.skipIf(!root)('on a 2 MiB tmpfs (needs root for mount)', () => {
    it('disk full: E_DISKFULL, temporary file removed', async (ctx) => {
      const mnt = freshFolder();
      if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]).status !== 0) return ctx.skip('mount -t tmpfs is not permitted here');
      try {
        const plan = planOf([['big.bin', bufferSource(pseudoRandom(4 << 20, 3), 'big')]]);
        await expectFailure(writeIsoFile(plan, join(mnt, 'x.iso')), 'E_DISKFULL', mnt);
      } finally {
        spawnSync('umount', [mnt]);
      }
    });
    it('read-only file system: E_ACCESSDENIED', async (ctx) => {
      const mnt = freshFolder();
      if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mnt]).status !== 0) return ctx.skip('mount -t tmpfs is not permitted here');
      try {
        const plan = planOf([['a.txt', bufferSource(new Uint8Array([1]), 'a')]]);
        await expectFailure(writeIsoFile(plan, join(mnt, 'x.iso')), 'E_ACCESSDENIED', mnt);
      } finally {
        spawnSync('umount', [mnt]);
      }
    });
  });

  it('recognises its own temporary names', () => {
    expect(isCmTsMediaTemp('.media.iso.0123456789abcdef.cmtsmedia-tmp')).toBe(true);
    expect(isCmTsMediaTemp('media.iso')).toBe(false);
    expect(isCmTsMediaTemp('.media.iso.cmtsmedia-tmp')).toBe(false);
    expect(existsSync(work.dir)).toBe(true);
  });
});

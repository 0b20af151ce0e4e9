/**
 * Scale: a file over 4 GiB (ISO 9660 multi-extent + UDF) from a sparse source, and a 20,000-file tree.
 * The 4 GiB image goes to /dev/shm when it exists (tmpfs: fast, nothing left on disk) and is deleted.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planIso } from '../../../engine/src/formats/iso/index.js';
import { writeIsoFile } from '../../../engine/src/media/write-media.js';
import { bufferSource, diskFileSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { FileSource } from '../../../engine/src/formats/tree.js';
import { fixedTime, have, run, scratch } from './helpers.js';

const work = scratch('cmts-iso-large-', existsSync('/dev/shm') ? '/dev/shm' : undefined);
afterAll(() => work.cleanup());

/** CRC (cksum: the fastest checksum at hand) and length of what a reader command writes to stdout. */
function checksumOf(cmd: string, args: string[]): string {
  const r = spawnSync('sh', ['-c', `${[cmd, ...args].map((a) => `'${a}'`).join(' ')} | cksum`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return r.stdout.trim();
}

describe('a file over 4 GiB', () => {
  // 4 GiB + 64 MiB + 123 bytes: two ISO extents (4 GiB − 2 KiB, rest), five UDF allocation descriptors
  const sizeBytes = 2 ** 32 + (64 << 20) + 123;
  const markers: Array<[number, string]> = [[0, 'START'], [0xffff_f800 - 3, 'EXTENT-EDGE'], [2 ** 30 * 3 + 7, 'GIB3'], [sizeBytes - 4, 'END!']];

  it.skipIf(!have('7z') || !have('xorriso'))('is written and read back by 7z (UDF and ISO views) and xorriso', { timeout: 240_000 }, async () => {
    const src = join(work.dir, 'big.bin');
    const fd = openSync(src, 'w');
    ftruncateSync(fd, sizeBytes);
    for (const [at, text] of markers) writeSync(fd, text, at);
    closeSync(fd);
    const root = treeFromPaths([['sources/big.bin', await diskFileSource(src)], ['small.txt', bufferSource(new Uint8Array([1, 2, 3]), 'small')]], fixedTime);
    const iso = join(work.dir, 'big.iso');
    await writeIsoFile(planIso(root, { volumeLabel: 'big', timestamp: fixedTime }), iso);
    // the source's hole stays a hole in the image (binary/sink.ts newFile): not 4 GiB of zeros written
    expect(statSync(iso).blocks * 512).toBeLessThan(64 << 20);
    const expected = checksumOf('cat', [src]);
    expect(checksumOf('7z', ['x', '-so', '-tudf', iso, 'sources/big.bin'])).toBe(expected);
    expect(checksumOf('7z', ['x', '-so', '-tiso', iso, 'sources/big.bin'])).toBe(expected);
    // xorriso joins the multi-extent file: its size, its two extents, the first bytes
    // (-extract_cut far into the file reads slowly through xorriso: 7z -tiso above checked every byte)
    const cut = (i: number): string => join(work.dir, `cut${i}.bin`);
    const lsl = run('xorriso', ['-read_fs', 'norock', '-osirrox', 'on', '-indev', `stdio:${iso}`,
      ...markers.slice(0, 1).flatMap(([at, text], i) => ['-extract_cut', '/sources/big.bin', String(at), String(text.length), cut(i)]), '-lsl', '/sources', '--', '-find', '/sources/big.bin', '-exec', 'report_lba', '--']);
    expect(lsl).toContain(` ${sizeBytes} `);
    expect(readFileSync(cut(0), 'utf8')).toBe(markers[0]![1]);
    expect(lsl.match(/File data lba:/g)).toHaveLength(2);
    spawnSync('rm', ['-f', iso, src]);
  });
});

describe('20,000 files', () => {
  it.skipIf(!have('xorriso') || !have('7z'))('all listed by xorriso (Joliet) and 7z (UDF)', { timeout: 120_000 }, async () => {
    const entries: Array<[string, FileSource | null]> = [];
    for (let i = 0; i < 20_000; i++) {
      const path = `d${i % 40}/sub${(i >> 3) % 25}/file-${i}.txt`;
      entries.push([path, bufferSource(new TextEncoder().encode(`file ${i}\n`), path)]);
    }
    entries.push(['empty/', null]);
    const iso = join(work.dir, 'many.iso');
    await writeIsoFile(planIso(treeFromPaths(entries, fixedTime), { volumeLabel: 'many', timestamp: fixedTime }), iso);
    const joliet = run('xorriso', ['-read_fs', 'norock', '-indev', `stdio:${iso}`, '-find', '/', '-type', 'f']).split('\n').filter((l) => l.startsWith("'/"));
    expect(joliet.length).toBe(20_000);
    const udf = run('7z', ['l', '-slt', '-tudf', iso]).split('\n').filter((l) => l.startsWith('Path = ') && l.endsWith('.txt'));
    expect(udf.length).toBe(20_000);
    const one = spawnSync('7z', ['x', '-so', '-tiso', iso, 'd7/sub20/file-1767.txt'], { encoding: 'utf8' }).stdout;
    expect(one).toBe('file 1767\n');
    spawnSync('rm', ['-f', iso]);
  });
});

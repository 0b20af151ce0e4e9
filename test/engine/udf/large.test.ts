/**
 * Sizes that need care: a file over 4 GiB (six short_ads; written sparsely: metadata and a few
 * marker bytes only) and 20,000 files (a directory of several hundred sectors).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { FileSource } from '../../../engine/src/formats/tree.js';
import { UdfPlan } from '../../../engine/src/formats/udf/index.js';
import { readUdf } from './udf-reader.js';
import { haveTool, partitionStartLba, run, sevenZipListing, udfinfo, walkFiles, writeUdfImage } from './udf-image.js';

const scratch = mkdtempSync(join(tmpdir(), 'cmts-udf-large-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const options = { volumeIdentifier: 'CMTS_LARGE', timestamp: new Date('2024-01-02T03:04:05Z') };
const extentBytes = 0x3ffff800;

/** A source that is never read: the test writes its image sparsely. */
const unreadSource = (sizeBytes: number): FileSource => ({
  sizeBytes,
  origin: 'sparse',
  open() {
    throw new CmTsError('E_UNEXPECTED', 'the sparse source is not read');
  },
});

describe('a file over 4 GiB', () => {
  const bigBytes = 5 * 2 ** 30 + 12345;
  const after = new TextEncoder().encode('the file after the big one\n');
  const tree = treeFromPaths([
    ['sources/install.wim', unreadSource(bigBytes)],
    ['sources/zz-after.txt', bufferSource(after, 'after')],
  ], options.timestamp);
  const image = join(scratch, 'big.udf');
  const head = Buffer.from('CMTS-HEAD-MARKER');
  const tail = Buffer.from('CMTS-TAIL-MARKER');

  it('is described by six short_ads of whole blocks but the last', async () => {
    const big = [...walkFiles(tree)].find(([p]) => p === 'sources/install.wim')![1];
    const { fileLbas, volumeSectors } = await writeUdfImage(tree, image, options, (file) => file !== big);
    const fd = openSync(image, 'r+');
    writeSync(fd, head, 0, head.length, fileLbas.get(big)! * 2048);
    writeSync(fd, tail, 0, tail.length, fileLbas.get(big)! * 2048 + bigBytes - tail.length);
    closeSync(fd);
    expect(volumeSectors * 2048).toBeGreaterThan(bigBytes);

    const entry = readUdf(image).entries.find((e) => e.path === '/sources/install.wim')!;
    expect(entry.informationLength).toBe(bigBytes);
    const firstBlock = fileLbas.get(big)! - partitionStartLba;
    expect(entry.extents).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i < 5 ? extentBytes : bigBytes - 5 * extentBytes, firstBlock + (i * extentBytes) / 2048]));

    // the last extent's last bytes are where the tail marker went
    const [lastLength, lastBlock] = entry.extents[5]!;
    const marker = Buffer.alloc(tail.length);
    const rd = openSync(image, 'r');
    readSync(rd, marker, 0, marker.length, (partitionStartLba + lastBlock) * 2048 + lastLength - tail.length);
    closeSync(rd);
    expect(marker.equals(tail)).toBe(true);
  });

  it.skipIf(!haveTool('7z'))('7-Zip lists its size and reads the bytes placed beyond 4 GiB', () => {
    const listing = sevenZipListing(image);
    expect(listing.get('sources/install.wim')).toBe(bigBytes);
    expect(listing.get('sources/zz-after.txt')).toBe(after.length);
    const out = join(scratch, 'big-7z');
    run('7z', ['x', '-tudf', '-y', `-o${out}`, image, 'sources/zz-after.txt']);
    expect(readFileSync(join(out, 'sources/zz-after.txt'))).toEqual(Buffer.from(after));
    // the first bytes of the big file through 7-Zip (reading all 5 GiB through a pipe takes ~20 s)
    const first = spawnSync('sh', ['-c', '7z x -so -tudf "$1" sources/install.wim | head -c 16', 'sh', image], { maxBuffer: 1 << 20 });
    expect(Buffer.from(first.stdout).equals(head)).toBe(true);
  });

  it.skipIf(!haveTool('udfinfo'))('udfinfo reads the volume', () => {
    const info = udfinfo(image);
    expect(info.get('integrity')).toBe('closed');
    expect(info.get('numfiles')).toBe('2');
  });

  it('rejects a file no single File Entry can describe', () => {
    const huge = treeFromPaths([['huge.bin', unreadSource(235 * extentBytes)]]);
    expect(() => new UdfPlan(huge, options)).toThrow(expect.objectContaining({ code: 'E_NOTIMPL' }));
  });
});

describe('20,000 files', () => {
  const count = 20_000;
  const entries: Array<[string, FileSource]> = [];
  for (let i = 0; i < count; i++) {
    // 19,000 in one folder (a directory of several hundred blocks), the rest spread over 100 folders
    const path = i < 19_000 ? `many/file-${String(i).padStart(5, '0')}.dat` : `spread/d${i % 100}/f${i}.txt`;
    entries.push([path, bufferSource(new TextEncoder().encode(`${path}\n`.repeat(i % 3)), path)]);
  }
  const tree = treeFromPaths(entries, options.timestamp);
  const image = join(scratch, 'many.udf');

  it('lists them all in udfinfo, 7-Zip and the strict reader', async () => {
    await writeUdfImage(tree, image, options);

    const volume = readUdf(image);
    const many = volume.entries.find((e) => e.path === '/many/')!;
    expect(Math.ceil(many.informationLength / 2048)).toBeGreaterThan(300);
    expect(volume.entries.filter((e) => !e.directory).length).toBe(count);
    expect(new Set(volume.entries.map((e) => e.uniqueId)).size).toBe(volume.entries.length);

    if (haveTool('udfinfo')) expect(udfinfo(image).get('numfiles')).toBe(String(count));
    if (haveTool('7z')) {
      const listing = sevenZipListing(image);
      for (const [path, source] of entries) expect(listing.get(path), path).toBe(source.sizeBytes);
      expect([...listing.values()].filter((v) => v !== null).length).toBe(count);
    }
  });

  it.skipIf(!haveTool('7z'))('7-Zip extracts identical bytes from the start and end of the large directory', () => {
    // a sample: extracting all 20,000 files takes ~10 s, mostly creating files
    const patterns = ['many/file-000*', 'many/file-189*', 'spread/d7/*'];
    const out = join(scratch, 'many-7z');
    run('7z', ['x', '-tudf', '-y', `-o${out}`, image, ...patterns]);
    const sample = entries.filter(([path]) => /^many\/file-(000|189)|^spread\/d7\//.test(path));
    expect(sample.length).toBe(100 + 100 + 10);
    for (const [path, source] of sample) {
      const expected = new TextEncoder().encode(`${path}\n`.repeat(Number(/(\d+)\.\w+$/.exec(path)![1]) % 3));
      expect(source.sizeBytes).toBe(expected.length);
      expect(readFileSync(join(out, path)).equals(Buffer.from(expected)), path).toBe(true);
    }
  });
});

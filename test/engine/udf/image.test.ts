/**
 * UDF-only images read back by independent readers: udfinfo (udftools), 7-Zip's UDF handler
 * (listing and extraction, every file's bytes compared) and, where the kernel has it, the Linux
 * UDF driver; plus the strict reader in ./udf-reader.ts for tags, unique IDs and FID order.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { TreeDir } from '../../../engine/src/formats/tree.js';
import { UdfPlan, udfFixedLbas } from '../../../engine/src/formats/udf/index.js';
import { readUdf } from './udf-reader.js';
import { haveTool, partitionStartLba, run, sevenZipEntries, sevenZipListing, udfinfo, walkFiles, walkNodes, writeUdfImage } from './udf-image.js';

const scratch = mkdtempSync(join(tmpdir(), 'cmts-udf-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const stamp = new Date('2024-05-06T07:08:09.250Z');
const options = { volumeIdentifier: 'CMTS_UDF_TEST', timestamp: stamp };

/** Deterministic content: `sizeBytes` bytes from a seed. */
function content(seed: number, sizeBytes: number): Uint8Array {
  const out = new Uint8Array(sizeBytes);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < sizeBytes; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const longLatin1 = `é${'x'.repeat(249)}.bin`; // 254 characters: 255 bytes of CS0 (and of UTF-8, Linux's limit for 7z x)
const longWide = `${'Ж'.repeat(123)}.txt`; // 127 UTF-16 units: 255 bytes

function sampleTree(): TreeDir {
  const entries: Array<[string, Uint8Array | null]> = [
    ['bootmgr', content(1, 4096)],
    ['boot/BCD', content(2, 12345)],
    ['boot/fonts/wgl4_boot.ttf', content(3, 2047)],
    ['boot/fonts/empty.ttf', new Uint8Array(0)],
    ['efi/microsoft/boot/efisys.bin', content(4, 2048 * 3)],
    ['efi/boot/', null],
    ['sources/boot.wim', content(5, 300_001)],
    ['SMS/data/Variables.dat', content(6, 777)],
    ['empty/', null],
    ['deep/a/b/c/d/e/f/g/h/i/j/k/leaf.txt', content(7, 10)],
    ['Ünïcödé/café.txt', content(8, 33)],
    ['Ünïcödé/Ωmega ✓.txt', content(9, 44)],
    ['Ünïcödé/日本語/ファイル.txt', content(10, 55)],
    [`long/${longLatin1}`, content(11, 66)],
    [`long/${longWide}`, content(12, 77)],
  ];
  return treeFromPaths(entries.map(([path, bytes]) => [path, bytes ? bufferSource(bytes, path) : null] as const), stamp);
}

/** Every path the tree holds: files with their size, folders with null (7z's form: no trailing slash). */
function expectedListing(root: TreeDir): Map<string, number | null> {
  const listing = new Map<string, number | null>();
  for (const [path, node] of walkNodes(root)) listing.set(path, node.kind === 'file' ? node.source.sizeBytes : null);
  return listing;
}

async function bytesOf(file: { source: { open(): AsyncIterable<Uint8Array> } }): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of file.source.open()) parts.push(Uint8Array.from(chunk));
  return Buffer.concat(parts);
}

describe('UDF image of a small media tree', () => {
  const tree = sampleTree();
  const image = join(scratch, 'sample.udf');
  let volumeSectors = 0;

  it('writes an image whose size is the planned volume', async () => {
    ({ volumeSectors } = await writeUdfImage(tree, image, options));
    expect(readFileSync(image).length).toBe(volumeSectors * 2048);
  });

  it.skipIf(!haveTool('udfinfo'))('udfinfo reads a closed UDF 1.02 volume with the right counts', () => {
    const info = udfinfo(image);
    expect(info.get('udfrev')).toBe('1.02');
    expect(info.get('udfwriterev')).toBe('1.02');
    expect(info.get('integrity')).toBe('closed');
    expect(info.get('label')).toBe('CMTS_UDF_TEST');
    expect(info.get('blocksize')).toBe('2048');
    expect(info.get('blocks')).toBe(String(volumeSectors));
    expect(info.get('numfiles')).toBe(String([...walkFiles(tree)].length));
    expect(info.get('numdirs')).toBe(String([...walkNodes(tree)].filter(([, n]) => n.kind === 'dir').length + 1));
    expect(info.get('accesstype')).toBe('readonly');
  });

  it.skipIf(!haveTool('7z'))('7-Zip lists the same tree with the same sizes', () => {
    expect(sevenZipListing(image)).toEqual(expectedListing(tree));
  });

  it.skipIf(!haveTool('7z'))('7-Zip extracts every file with identical bytes', async () => {
    const out = join(scratch, 'sample-7z');
    run('7z', ['x', '-tudf', '-y', `-o${out}`, image]);
    for (const [path, file] of walkFiles(tree)) {
      expect(readFileSync(join(out, path)).equals(await bytesOf(file)), path).toBe(true);
    }
    for (const [path, node] of walkNodes(tree)) if (node.kind === 'dir') expect(existsSync(join(out, path)), path).toBe(true);
  });

  it('every tag checks; parent FID first; unique IDs unique and matching the FIDs', () => {
    const volume = readUdf(image);
    expect(volume.partitionStartLba).toBe(partitionStartLba);
    expect(volume.partitionLength).toBe(volumeSectors - 1 - partitionStartLba);
    expect(volume.logicalVolumeIdentifier).toBe('CMTS_UDF_TEST');
    const paths = volume.entries.map((e) => e.path.replace(/\/$/, '')).filter((p) => p !== '');
    expect(paths.sort()).toEqual([...expectedListing(tree).keys()].map((p) => `/${p}`).sort());
    const ids = volume.entries.map((e) => e.uniqueId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(volume.entries[0]!.uniqueId).toBe(0);
    for (const entry of volume.entries.slice(1)) {
      expect(entry.uniqueId).toBeGreaterThanOrEqual(16);
      expect(entry.fidUniqueId).toBe(entry.uniqueId);
    }
    expect(volume.nextUniqueId).toBe(Math.max(...ids) + 1);
    const boot = volume.entries.find((e) => e.path === '/boot/')!;
    expect(boot.fileLinkCount).toBe(2); // itself + fonts/..
  });

  it('closes with an AVDP in the last sector, the same as the one at 256', () => {
    const bytes = readFileSync(image);
    const first = bytes.subarray(udfFixedLbas.anchor * 2048, udfFixedLbas.anchor * 2048 + 2048);
    const last = bytes.subarray((volumeSectors - 1) * 2048);
    expect(last.readUInt16LE(0)).toBe(2);
    expect(last.readUInt32LE(12)).toBe(volumeSectors - 1);
    expect(last.subarray(16).equals(first.subarray(16))).toBe(true);
  });

  it('the strict reader fails on a damaged descriptor (the checks can fail)', () => {
    const damaged = join(scratch, 'damaged.udf');
    const bytes = readFileSync(image);
    bytes[(partitionStartLba + 2) * 2048 + 60] ^= 1; // inside the root File Entry
    writeFileSync(damaged, bytes);
    expect(() => readUdf(damaged)).toThrow(/bad descriptor CRC/);
  });

  const kernelUdf = existsSync('/proc/filesystems') && /\tudf$/m.test(readFileSync('/proc/filesystems', 'utf8')) && process.getuid?.() === 0;
  it.skipIf(!kernelUdf)('the Linux UDF driver mounts it and reads every file', async () => {
    const mountPoint = mkdtempSync(join(scratch, 'mnt-'));
    run('mount', ['-o', 'loop,ro', '-t', 'udf', image, mountPoint]);
    try {
      for (const [path, file] of walkFiles(tree)) expect(readFileSync(join(mountPoint, path)).equals(await bytesOf(file)), path).toBe(true);
    } finally {
      run('umount', [mountPoint]);
    }
  });
});

describe('UdfPlan', () => {
  const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

  it('gives byte-identical images for the same tree and timestamp, and others for another timestamp', async () => {
    const a = join(scratch, 'a.udf');
    const b = join(scratch, 'b.udf');
    const c = join(scratch, 'c.udf');
    await writeUdfImage(sampleTree(), a, options);
    await writeUdfImage(sampleTree(), b, options);
    await writeUdfImage(sampleTree(), c, { ...options, timestamp: new Date('2024-05-06T07:08:10Z') });
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).not.toBe(sha(c));
  });

  it.skipIf(!haveTool('7z'))('records each node\'s own modification time, else the volume timestamp', async () => {
    const path = join(scratch, 'times.udf');
    const own = new Date('2001-02-03T04:05:06Z');
    const root: TreeDir = {
      kind: 'dir', name: '', children: [
        { kind: 'file', name: 'own.txt', source: bufferSource(new Uint8Array(3), 'own'), modified: own },
        { kind: 'dir', name: 'plain', children: [] },
      ],
    };
    await writeUdfImage(root, path, options);
    const entries = sevenZipEntries(path);
    expect(entries.get('own.txt')!.get('Modified')).toMatch(/^2001-02-03 04:05:06/);
    expect(entries.get('plain')!.get('Modified')).toMatch(/^2024-05-06 07:08:09/);
  });

  it('knows its metadata size from the tree alone and hands out exactly that', () => {
    const plan = new UdfPlan(sampleTree(), options);
    // FSD + TD, 26 directories (FE + 1 data block each), 13 file FEs
    expect(plan.metadataSectors).toBe(2 + 26 * 2 + 13);
    plan.assign({ partitionStartLba: 300, volumeSectors: 300 + plan.metadataSectors + 1000, fileLba: () => 300 + plan.metadataSectors });
    let bytes = 0;
    for (const chunk of plan.metadataChunks()) bytes += chunk.length;
    expect(bytes).toBe(plan.metadataSectors * 2048);
    const lbas = plan.fixedSectors(20).map((s) => s.lba);
    expect(lbas).toEqual([20, 21, 22, 32, 33, 34, 35, 36, 37, 48, 49, 50, 51, 52, 53, 64, 65, 256, 300 + plan.metadataSectors + 999]);
  });

  it('rejects a name longer than 255 bytes of CS0 with E_INVALIDARG', () => {
    const tree = (name: string): TreeDir => treeFromPaths([[`d/${name}`, bufferSource(new Uint8Array(1), name)]]);
    expect(() => new UdfPlan(tree(`${longLatin1}`), options)).not.toThrow();
    expect(() => new UdfPlan(tree(`é${longLatin1}`), options)).toThrow(expect.objectContaining({ code: 'E_INVALIDARG' }));
    expect(() => new UdfPlan(tree(`Ж${longWide}`), options)).toThrow(expect.objectContaining({ code: 'E_INVALIDARG' }));
  });

  it('rejects placements outside the file data area and use before assign()', () => {
    const plan = new UdfPlan(sampleTree(), options);
    expect(() => plan.fixedSectors(16)).toThrow(expect.objectContaining({ code: 'E_UNEXPECTED' }));
    const start = 257;
    const dataStart = start + plan.metadataSectors;
    expect(() => plan.assign({ partitionStartLba: start, volumeSectors: dataStart + 10_000, fileLba: () => dataStart - 1 })).toThrow(expect.objectContaining({ code: 'E_UNEXPECTED' }));
    expect(() => plan.assign({ partitionStartLba: start, volumeSectors: dataStart + 10, fileLba: () => dataStart })).toThrow(expect.objectContaining({ code: 'E_UNEXPECTED' }));
    expect(() => plan.assign({ partitionStartLba: 200, volumeSectors: 100_000, fileLba: () => 50_000 })).toThrow(expect.objectContaining({ code: 'E_UNEXPECTED' }));
    plan.assign({ partitionStartLba: start, volumeSectors: dataStart + 10_000, fileLba: () => dataStart });
    expect(() => plan.fixedSectors(30)).toThrow(expect.objectContaining({ code: 'E_UNEXPECTED' }));
  });

  it('rejects two children with the same name', () => {
    const file = { kind: 'file' as const, name: 'x', source: bufferSource(new Uint8Array(1), 'x') };
    expect(() => new UdfPlan({ kind: 'dir', name: '', children: [file, file] }, options)).toThrow(expect.objectContaining({ code: 'E_INVALIDARG' }));
  });
});

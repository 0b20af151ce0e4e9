/**
 * The readers against images made by tools we did not write (xorriso, mkfs.fat + mcopy), and
 * fuzzed media: bit flips, truncation, a directory loop and a cluster chain loop give a result or a
 * typed error from the table (never E_UNEXPECTED, never a hang) (docs/readback.md).
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTable, isCmTsError } from '../../../engine/src/errors/index.js';
import { readBootCatalog } from '../../../engine/src/formats/eltorito/read.js';
import { readFatVolume } from '../../../engine/src/formats/fat/read.js';
import { readIsoVolume } from '../../../engine/src/formats/iso9660/read.js';
import { hasUdf, readUdfVolume } from '../../../engine/src/formats/udf/read.js';
import { hashFiles } from '../../../engine/src/formats/readback/hash-files.js';
import { MediaImage } from '../../../engine/src/formats/readback/image.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import { inspectMedia } from '../../../engine/src/media/inspect-media.js';
import { openMedia } from '../../../engine/src/media/open-media.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { seededRandom } from '../../helpers/random.js';

const have = (...tools: string[]) => tools.every((t) => spawnSync('which', [t]).status === 0);
const context = (): RequestContext => ({ id: 1, signal: new AbortController().signal, event: () => undefined });
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const codes = new Set(errorTable.map((r) => r.code));
let scratch: string;
let tree: string;
const treeFiles: Record<string, Buffer> = {};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-readers-'));
  process.env.CMTSMEDIA_STATE_DIR = join(scratch, 'state');
  tree = join(scratch, 'tree');
  const random = seededRandom(7);
  const put = (path: string, bytes: number) => {
    const data = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) data[i] = Math.floor(random() * 256);
    mkdirSync(join(tree, ...path.split('\\').slice(0, -1)), { recursive: true });
    writeFileSync(join(tree, ...path.split('\\')), data);
    treeFiles[path] = data;
  };
  put('bootmgr', 4000);
  put('boot\\etfsboot.com', 4096);
  put('efi\\microsoft\\boot\\efisys.bin', 1474560 / 8);
  put('sources\\boot.wim', 3 * 2 ** 20 + 17);
  put('SMS\\data\\Empty.txt', 0);
  put('Ünïcode folder\\a file with a long name, commas and spaces.txt', 700);
  for (let i = 0; i < 120; i++) put(`many\\file-${String(i).padStart(3, '0')}.bin`, 10 + i);
});
afterAll(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

async function readAll(image: MediaImage, files: Awaited<ReturnType<typeof readIsoVolume>>['files']) {
  const digests = await hashFiles(files, (_f, position, length, target) => image.read(position, length, target));
  return Object.fromEntries(files.map((f, i) => [f.path, { sizeBytes: f.sizeBytes, sha256: digests[i] }]));
}
const expected = () => Object.fromEntries(Object.entries(treeFiles).map(([path, data]) => [path, { sizeBytes: data.length, sha256: sha256(data) }]));

describe.skipIf(!have('xorriso'))('ISO reader on an image made by xorriso', () => {
  it('reads the Joliet tree, every file\'s bytes and both El Torito entries', async () => {
    const iso = join(scratch, 'xorriso.iso');
    execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-iso-level', '3', '-J', '-joliet-long', '-V', 'XORRISO_LABEL', '-b', 'boot/etfsboot.com', '-no-emul-boot', '-boot-load-size', '8',
      '-eltorito-alt-boot', '-e', 'efi/microsoft/boot/efisys.bin', '-no-emul-boot', '-o', iso, tree], { stdio: 'ignore' });
    const image = await MediaImage.open(iso);
    try {
      const volume = await readIsoVolume(image);
      expect(volume.fileSystem).toBe('ISO 9660 + Joliet');
      expect(volume.label).toBe('XORRISO_LABEL');
      const files = volume.files.filter((f) => !/^boot\.cat(alog)?$/i.test(f.path));
      expect(await readAll(image, files)).toEqual(expected());
      const entries = await readBootCatalog(image, volume.bootCatalogLba!);
      const at = (path: string) => files.find((f) => f.path === path)!.extents[0]!.position / 2048;
      expect(entries).toEqual([
        { platform: 0, bootable: true, loadRba: at('boot\\etfsboot.com'), sectorCount: 8 },
        { platform: 0xef, bootable: true, loadRba: at('efi\\microsoft\\boot\\efisys.bin'), sectorCount: expect.any(Number) },
      ]);
    } finally {
      image.close();
    }
  });
});

describe.skipIf(!have('genisoimage'))('UDF reader on an image made by genisoimage -udf', () => {
  it('reads the UDF tree and every file\'s bytes', async () => {
    const iso = join(scratch, 'genisoimage.iso');
    execFileSync('genisoimage', ['-quiet', '-iso-level', '3', '-J', '-joliet-long', '-udf', '-V', 'GENISO', '-o', iso, tree], { stdio: 'ignore' });
    const image = await MediaImage.open(iso);
    try {
      expect(await hasUdf(image)).toBe(true);
      const volume = await readUdfVolume(image);
      expect(volume).toMatchObject({ fileSystem: 'UDF', label: 'GENISO' });
      expect(await readAll(image, volume.files)).toEqual(expected());
    } finally {
      image.close();
    }
  });
});

describe('UDF bridge of CmTsMedia ISOs', () => {
  it('lists the same files at the same places as the Joliet tree', async () => {
    const iso = join(scratch, 'bridge.iso');
    await createBootMedia({ mediaType: 'CD', destinationPath: iso, bootImageId: 'PS100005', siteCatalog: resolve('module/Demo/site.json') } as CreateBootMediaParams, context());
    const image = await MediaImage.open(iso);
    try {
      const joliet = await readIsoVolume(image);
      const udf = await readUdfVolume(image);
      const view = (files: typeof udf.files) => Object.fromEntries(files.map((f) => [f.path, f.extents]));
      expect(view(udf.files)).toEqual(view(joliet.files));
      expect(udf.label).toBe('Configuration Manager');
    } finally {
      image.close();
    }
    // a damaged File Entry in the UDF tree is a problem Test-CMBootMedia names, not an error
    const bytes = readFileSync(iso);
    const fe = bytes.indexOf(Buffer.from([0x05, 0x01, 0x02, 0x00]), 300 * 2048); // tag 261 (File Entry), version 2
    expect(fe).toBeGreaterThan(0);
    bytes[fe + 60] ^= 0xff; // inside informationLength: the CRC no longer matches
    writeFileSync(iso, bytes);
    const info = await inspectMedia({ path: iso, mediaPassword: undefined, siteCatalog: undefined, certificateRenewalSeconds: undefined }, context());
    expect(info.isValid).toBe(false);
    expect(info.problems).toEqual([expect.stringMatching(/^The UDF file system, which Windows reads, is damaged: .*CRC does not match/)]);
  });
});

describe.skipIf(!have('mkfs.fat', 'mcopy'))('FAT32 reader on an image made by mkfs.fat and mcopy', () => {
  it('reads long names, folders and every file\'s bytes', async () => {
    const img = join(scratch, 'mtools.img');
    execFileSync('truncate', ['-s', '40M', img]);
    execFileSync('mkfs.fat', ['-F', '32', '-n', 'MTOOLS', img], { stdio: 'ignore' });
    execFileSync('mcopy', ['-s', '-i', img, ...['bootmgr', 'boot', 'efi', 'sources', 'SMS', 'Ünïcode folder', 'many'].map((n) => join(tree, n)), '::/'], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1', LC_ALL: 'C.UTF-8' } });
    const image = await MediaImage.open(img);
    try {
      const volume = await readFatVolume(image, 0);
      expect(volume).toMatchObject({ fileSystem: 'FAT32', label: 'MTOOLS' });
      expect(await readAll(image, volume.files)).toEqual(expected());
    } finally {
      image.close();
    }
  });
});

/** inspectMedia's outcome: a result or a typed error that is not E_UNEXPECTED. */
async function outcome(path: string): Promise<string> {
  try {
    const info = await inspectMedia({ path, mediaPassword: 'Fuzz-Pw-1', siteCatalog: undefined, certificateRenewalSeconds: undefined }, context());
    return info.isValid ? 'valid' : 'problems';
  } catch (err) {
    if (!isCmTsError(err) || !codes.has(err.code) || err.code === 'E_UNEXPECTED') throw err;
    return err.code;
  }
}

describe('fuzzed media', () => {
  const demo = (extra: Partial<CreateBootMediaParams>) =>
    createBootMedia({ bootImageId: 'PS100005', siteCatalog: resolve('module/Demo/site.json'), mediaPassword: 'Fuzz-Pw-1', ...extra } as CreateBootMediaParams, context());

  for (const kind of ['CD', 'UFD+FORMAT'] as const) {
    it(`${kind}: bit flips in the structures and truncation give results or typed errors`, async () => {
      const original = join(scratch, `fuzz-${kind === 'CD' ? 'cd.iso' : 'disk.img'}`);
      await demo(kind === 'CD' ? { mediaType: 'CD', destinationPath: original } : { mediaType: 'UFD+FORMAT', destinationPath: original, imageSizeBytes: 40 * 2 ** 20 });
      expect(await outcome(original)).toBe('valid');
      const media = await openMedia(original);
      const dataEnd = Math.max(...media.volume.files.flatMap((f) => f.extents.map((e) => e.position + e.length)));
      // half the flips land in the structures: everything before the first file's data
      const structuresEnd = Math.min(...media.volume.files.flatMap((f) => f.extents.map((e) => e.position)));
      media.close();
      const random = seededRandom(kind === 'CD' ? 1 : 2);
      const seen = new Set<string>();
      const copy = join(scratch, 'fuzz-copy');
      copyFileSync(original, copy);
      const bytes = readFileSync(original).subarray(0, dataEnd);
      for (let round = 0; round < 60; round++) {
        if (round % 4 === 3) {
          copyFileSync(original, copy);
          truncateSync(copy, Math.floor(random() * dataEnd));
          seen.add(await outcome(copy));
          copyFileSync(original, copy);
          continue;
        }
        // flip bits, inspect, put the bytes back (a 40 MiB copy per round costs more than the inspection)
        const flips = Array.from({ length: 1 + Math.floor(random() * 8) }, () => ({ at: Math.floor(random() * (random() < 0.5 ? structuresEnd : dataEnd)), bit: 1 << Math.floor(random() * 8) }));
        const fd = openSync(copy, 'r+');
        for (const { at, bit } of flips) writeSync(fd, Buffer.from([bytes[at]! ^ bit]), 0, 1, at);
        try {
          seen.add(await outcome(copy));
        } finally {
          for (const { at } of flips) writeSync(fd, bytes, at, 1, at);
          closeSync(fd);
        }
      }
      expect(seen).toContain('CMTSMEDIA_E_MEDIAUNREADABLE');
      expect(seen).toContain('problems');
    });
  }

  it('an ISO directory that contains itself is a loop: MEDIAUNREADABLE, not a hang', async () => {
    const iso = join(scratch, 'loop.iso');
    await demo({ mediaType: 'CD', destinationPath: iso });
    // the Joliet "SMS" folder's record gets the root directory's extent
    const bytes = readFileSync(iso);
    const svd = bytes.subarray(18 * 2048, 19 * 2048);
    expect(svd[0]).toBe(2);
    const rootLba = svd.readUInt32LE(156 + 2);
    const root = bytes.subarray(rootLba * 2048, rootLba * 2048 + 2048);
    const name = Buffer.from('\0S\0M\0S', 'latin1');
    const at = root.indexOf(name) - 33;
    expect(at).toBeGreaterThan(0);
    root.writeUInt32LE(rootLba, at + 2);
    root.writeUInt32BE(rootLba, at + 6);
    writeFileSync(iso, bytes);
    await expect(inspectMedia({ path: iso, mediaPassword: undefined, siteCatalog: undefined, certificateRenewalSeconds: undefined }, context()))
      .rejects.toMatchObject({ code: 'CMTSMEDIA_E_MEDIAUNREADABLE', detail: expect.stringContaining('(a loop)') });
  });

  it('a FAT cluster chain that points back at itself: MEDIAUNREADABLE, not a hang', async () => {
    const img = join(scratch, 'loop.img');
    await demo({ mediaType: 'UFD+FORMAT', destinationPath: img, imageSizeBytes: 40 * 2 ** 20 });
    const media = await openMedia(img);
    const wim = media.find('sources\\boot.wim')!;
    media.close();
    const bytes = readFileSync(img);
    const part = 2048 * 512;
    const reserved = bytes.readUInt16LE(part + 14);
    const perCluster = bytes[part + 13]! * 512;
    const fatSectors = bytes.readUInt32LE(part + 36);
    const dataStart = part + (reserved + 2 * fatSectors) * 512;
    const cluster = (wim.extents[0]!.position - dataStart) / perCluster + 2;
    const last = cluster + Math.ceil(wim.sizeBytes / perCluster) - 1;
    bytes.writeUInt32LE(cluster, part + reserved * 512 + last * 4); // the last cluster leads back to the first
    writeFileSync(img, bytes);
    expect(statSync(img).size).toBe(40 * 2 ** 20);
    await expect(inspectMedia({ path: img, mediaPassword: undefined, siteCatalog: undefined, certificateRenewalSeconds: undefined }, context()))
      .rejects.toMatchObject({ code: 'CMTSMEDIA_E_MEDIAUNREADABLE', detail: expect.stringContaining('loops') });
  });
});

/**
 * Opens boot media for reading back, whatever holds them (docs/readback.md): an ISO file, a disk
 * image file or raw disk (MBR + FAT32, or a FAT32 volume without a partition table), or a mounted
 * volume's folder. No mount and no external tool: the engine's own readers.
 */
import { open as openFile, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CmTsError, fromSystemError, isCmTsError } from '../errors/index.js';
import { isBiosEntry, isUefiEntry, readBootCatalog } from '../formats/eltorito/read.js';
import { readFatVolume } from '../formats/fat/read.js';
import { looksLikeIso, readIsoVolume } from '../formats/iso9660/read.js';
import { readMbr } from '../formats/mbr/read.js';
import { partitionType } from '../formats/mbr/index.js';
import { MediaImage, unreadable } from '../formats/readback/image.js';
import { hashFiles } from '../formats/readback/hash-files.js';
import { hasUdf, readUdfVolume } from '../formats/udf/read.js';
import { WalkBudget, type ReadFile, type ReadVolume } from '../formats/readback/volume.js';

export interface BootFacts {
  biosBootable: boolean;
  uefiBootable: boolean;
  /** What was checked, for the notes (El Torito entries, the MBR's active partition, ...). */
  notes: string[];
}

export interface OpenedMedia {
  readonly container: 'iso' | 'disk' | 'folder';
  readonly volume: ReadVolume;
  readonly boot: BootFacts;
  /** What is wrong with the structures though the media can be read (an ISO's UDF tree that disagrees). */
  readonly problems: readonly string[];
  /** A file by media path (case-insensitive, as Windows), or undefined. */
  find(path: string): ReadFile | undefined;
  /** A small file's bytes (at most 16 MiB). */
  readSmall(file: ReadFile): Promise<Uint8Array>;
  hash(files: readonly ReadFile[], options?: { signal?: AbortSignal; onBytes?: (done: number, total: number) => void }): Promise<string[]>;
  close(): void;
}

const smallFileMaxBytes = 16 << 20;
const fatTypes: readonly number[] = [partitionType.fat32Lba, 0x0b, 0x0e, 0x06, 0x1c];

export async function openMedia(path: string): Promise<OpenedMedia> {
  const info = await lstat(path).catch((err: unknown) => {
    throw fromSystemError(err, path);
  });
  if (info.isDirectory()) return openFolder(path);
  const image = await MediaImage.open(path);
  try {
    if (await looksLikeIso(image)) {
      const volume = await readIsoVolume(image);
      const entries = volume.bootCatalogLba === null ? [] : await readBootCatalog(image, volume.bootCatalogLba);
      const boot: BootFacts = {
        biosBootable: entries.some((e) => e.bootable && isBiosEntry(e)),
        uefiBootable: entries.some((e) => e.bootable && isUefiEntry(e)),
        notes: entries.map((e) => `El Torito ${isUefiEntry(e) ? 'UEFI' : isBiosEntry(e) ? 'BIOS' : `platform 0x${e.platform.toString(16)}`} entry: ${e.bootable ? 'bootable' : 'not bootable'}, image at LBA ${e.loadRba}${fileAt(volume, e.loadRba * 2048)}`),
      };
      return imageMedia('iso', image, volume, boot, await checkUdfBridge(image, volume));
    }
    const mbr = await readMbr(image);
    const partition = mbr?.partitions.find((p) => p.active && fatTypes.includes(p.type)) ?? mbr?.partitions.find((p) => fatTypes.includes(p.type));
    // a FAT boot sector at 0 has the 55 AA signature too: a volume without a partition table (a "superfloppy")
    const superfloppy = !partition && (await image.read(0, 3).then((b) => b[0] === 0xeb || b[0] === 0xe9));
    if (!partition && !superfloppy) throw unreadable(`${path} holds no ISO 9660 volume and no FAT32 partition`);
    const volume = await readFatVolume(image, partition ? partition.startLba * 512 : 0);
    const efi = volume.files.some((f) => /^efi\\boot\\boot(x64|ia32|aa64)\.efi$/i.test(f.path));
    const boot: BootFacts = {
      biosBootable: partition?.active === true && volume.files.some((f) => f.path.toLowerCase() === 'bootmgr'),
      uefiBootable: efi,
      notes: [partition ? `MBR partition at LBA ${partition.startLba}, type 0x${partition.type.toString(16)}, ${partition.active ? 'active' : 'not active'}` : 'FAT32 volume without a partition table'],
    };
    return imageMedia('disk', image, volume, boot);
  } catch (err) {
    image.close();
    throw err;
  }
}

/**
 * Windows reads an ISO's UDF tree when there is one (docs/udf.md): it must list the same files at
 * the same places as the ISO 9660/Joliet tree this reader checks, or Windows sees other media.
 */
async function checkUdfBridge(image: MediaImage, volume: ReadVolume): Promise<string[]> {
  if (!(await hasUdf(image))) return [];
  let udf: ReadVolume;
  try {
    udf = await readUdfVolume(image);
  } catch (err) {
    if (isCmTsError(err, 'CMTSMEDIA_E_MEDIAUNREADABLE')) return [`The UDF file system, which Windows reads, is damaged: ${err.detail}`];
    throw err;
  }
  const byPath = new Map(volume.files.map((f) => [f.path.toUpperCase(), f]));
  const differing = udf.files.filter((f) => {
    const iso = byPath.get(f.path.toUpperCase());
    return !iso || iso.sizeBytes !== f.sizeBytes || (f.sizeBytes > 0 && iso.extents[0]?.position !== f.extents[0]?.position);
  });
  if (differing.length === 0 && udf.files.length === volume.files.length) return [];
  const names = differing.slice(0, 5).map((f) => f.path).join(', ');
  return [`The UDF file system, which Windows reads, disagrees with the ISO 9660/Joliet tree (${udf.files.length} and ${volume.files.length} files${names ? `; differing: ${names}` : ''}).`];
}

function fileAt(volume: ReadVolume, position: number): string {
  const file = volume.files.find((f) => f.extents[0]?.position === position);
  return file ? ` (${file.path})` : ' (no file of the media starts there)';
}

function finder(volume: ReadVolume): (path: string) => ReadFile | undefined {
  const index = new Map(volume.files.map((f) => [f.path.toUpperCase(), f]));
  return (path) => index.get(path.replace(/\//g, '\\').toUpperCase());
}

function imageMedia(container: 'iso' | 'disk', image: MediaImage, volume: ReadVolume, boot: BootFacts, problems: string[] = []): OpenedMedia {
  const read = (_file: ReadFile, position: number, length: number, target: Uint8Array) => image.read(position, length, target);
  return {
    container,
    volume,
    boot,
    problems,
    find: finder(volume),
    async readSmall(file) {
      if (file.sizeBytes > smallFileMaxBytes) throw new CmTsError('E_INVALIDARG', `${file.path} has ${file.sizeBytes} bytes, more than such a file can have`);
      const out = new Uint8Array(file.sizeBytes);
      let at = 0;
      for (const e of file.extents) {
        await image.read(e.position, e.length, out.subarray(at, at + e.length));
        at += e.length;
      }
      return out;
    },
    hash: (files, options) => hashFiles(files, read, options),
    close: () => image.close(),
  };
}

/** A mounted volume: its files by walking the folder (symbolic links are not followed). */
async function openFolder(root: string): Promise<OpenedMedia> {
  const budget = new WalkBudget(root);
  const files: ReadFile[] = [];
  const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
    const names = await readdir(dir).catch((err: unknown) => {
      throw fromSystemError(err, dir);
    });
    for (const name of names.sort()) {
      budget.entry(depth + 1);
      const full = join(dir, name);
      const info = await lstat(full).catch((err: unknown) => {
        throw fromSystemError(err, full);
      });
      const path = prefix ? `${prefix}\\${name}` : name;
      if (info.isDirectory()) await walk(full, path, depth + 1);
      else if (info.isFile()) files.push({ path, sizeBytes: info.size, extents: [{ position: 0, length: info.size }] });
    }
  };
  await walk(root, '', 0);
  const volume: ReadVolume = { fileSystem: 'folder', label: '', files };
  const fullPath = (file: ReadFile): string => join(root, ...file.path.split('\\'));
  const readAt = async (file: ReadFile, position: number, length: number, target: Uint8Array): Promise<Uint8Array> => {
    const handle = await openFile(fullPath(file), 'r').catch((err: unknown) => {
      throw fromSystemError(err, fullPath(file));
    });
    try {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(target, done, length - done, position + done);
        if (bytesRead === 0) throw unreadable(`${fullPath(file)} became shorter while it was read`);
        done += bytesRead;
      }
      return target;
    } finally {
      await handle.close();
    }
  };
  const efi = files.some((f) => /^efi\\boot\\boot(x64|ia32|aa64)\.efi$/i.test(f.path));
  return {
    container: 'folder',
    volume,
    problems: [],
    boot: { biosBootable: files.some((f) => f.path.toLowerCase() === 'bootmgr'), uefiBootable: efi, notes: ['A mounted volume: BIOS boot also needs the drive\'s boot sector, which is not checked here.'] },
    find: finder(volume),
    async readSmall(file) {
      if (file.sizeBytes > smallFileMaxBytes) throw new CmTsError('E_INVALIDARG', `${file.path} has ${file.sizeBytes} bytes, more than such a file can have`);
      return readAt(file, 0, file.sizeBytes, new Uint8Array(file.sizeBytes));
    },
    hash: (list, options) => hashFiles(list, readAt, options),
    close: () => undefined,
  };
}

/**
 * The media a fault case writes. Every crash, fault and cancellation case runs once per entry of
 * `mediaTargets`; a new media type joins the matrix by adding an entry here.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readSector0, sha256 } from './harness.js';

export interface MediaTarget {
  readonly mediaType: 'CD' | 'UFD+FORMAT';
  /** The independent readers verify() runs; the target's cases skip without them. */
  readonly tools: readonly string[];
  /** A destination in `folder` (which the case owns) that does not exist yet. */
  destination(folder: string, name: string): string;
  /** createBootMedia parameters this target needs beyond the common ones, for the boot image `wim`. */
  params(wim: string): Record<string, unknown>;
  /**
   * Size of an existing destination that a creation with force replaces: any file will do for an
   * ISO; a disk image file keeps its size, so it must be big enough for the media.
   */
  existingBytes(wim: string): number;
  /**
   * Null when `path` holds complete media whose boot image is `wim` (size compared; the bytes too
   * when `deep`), else what is wrong. Checked with an independent reader.
   */
  verify(path: string, wim: string, deep?: boolean): string | null;
}

/** Size of /sources/boot.wim in an ISO, read by xorriso; null when xorriso cannot read the image. */
function isoFileSize(iso: string, path: string): number | null {
  try {
    const out = execFileSync('xorriso', ['-indev', iso, '-find', path, '-exec', 'lsdl'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const match = /^-\S+\s+\d+\s+\S+\s+\S+\s+(\d+)\s/m.exec(out);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Compares a copy made by `extract(copy)` with the boot image byte for byte. */
function sameBytes(wim: string, copy: string, extract: (copy: string) => void): boolean {
  try {
    extract(copy);
    return sha256(copy) === sha256(wim);
  } catch {
    return false;
  } finally {
    rmSync(copy, { force: true });
  }
}

const cd: MediaTarget = {
  mediaType: 'CD',
  tools: ['xorriso'],
  destination: (folder, name) => join(folder, `${name}.iso`),
  params: () => ({}),
  existingBytes: () => 1 << 20,
  verify(iso, wim, deep = false) {
    const wimBytes = statSync(wim).size;
    const size = isoFileSize(iso, '/sources/boot.wim');
    if (size === null) return `${iso} is not a readable ISO with /sources/boot.wim`;
    if (size !== wimBytes) return `${iso}: /sources/boot.wim has ${size} bytes, the boot image ${wimBytes}`;
    if (isoFileSize(iso, '/SMS/data/Variables.dat') === null) return `${iso} has no /SMS/data/Variables.dat`;
    const extract = (copy: string) => execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/sources/boot.wim', copy], { stdio: 'ignore' });
    if (deep && !sameBytes(wim, `${iso}.boot.wim`, extract)) return `${iso}: /sources/boot.wim differs from the boot image`;
    return null;
  },
};

/**
 * The first MBR partition entry (MBR at sector 0: entries at 0x1BE, 16 bytes each; +0 boot
 * indicator, +4 type, +8 first LBA, +12 sectors; signature 0x55 0xAA at 510). The writer puts the
 * MBR down last, so an image cut short has none.
 */
function mbrPartition(image: string): { offsetBytes: number; sizeBytes: number } | string {
  const sector = readSector0(image);
  if (sector[510] !== 0x55 || sector[511] !== 0xaa) return 'no MBR signature';
  const entry = sector.subarray(0x1be, 0x1ce);
  if (entry[0] !== 0x80) return `partition 1 is not active (boot indicator 0x${entry[0]!.toString(16)})`;
  if (entry[4] !== 0x0c && entry[4] !== 0x0b) return `partition 1 has type 0x${entry[4]!.toString(16)}, not FAT32`;
  return { offsetBytes: entry.readUInt32LE(8) * 512, sizeBytes: entry.readUInt32LE(12) * 512 };
}

/** The size mtools lists for `path` (e.g. ::/sources/boot.wim) in the FAT volume at `volume` (`image@@offset`). */
function fatFileSize(volume: string, path: string): number | null {
  try {
    const out = execFileSync('mdir', ['-i', volume, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
    const name = path.slice(path.lastIndexOf('/') + 1).replace(/\./g, '\\.');
    const match = new RegExp(`\\s(\\d+)\\s+\\S+\\s+\\S+\\s+${name}$`, 'mi').exec(out);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Room for the boot image, the boot files and FAT32's own structures; at least 64 MiB. */
const diskImageBytes = (wim: string): number => Math.max(64, Math.ceil((statSync(wim).size * 1.05) / 2 ** 20) + 32) * 2 ** 20;

/** A disk image file: MBR, one active FAT32 partition (checked by fsck.fat), the media tree (listed by mtools). */
const ufdFormat: MediaTarget = {
  mediaType: 'UFD+FORMAT',
  tools: ['dd', 'fsck.fat', 'mdir', 'mcopy'],
  destination: (folder, name) => join(folder, `${name}.img`),
  params: (wim) => ({ imageSizeBytes: diskImageBytes(wim) }),
  existingBytes: diskImageBytes,
  verify(image, wim, deep = false) {
    const partition = mbrPartition(image);
    if (typeof partition === 'string') return `${image}: ${partition}`;
    // fsck.fat has no offset option: it checks a sparse copy of the partition.
    const copy = `${image}.partition`;
    try {
      execFileSync('dd', [`if=${image}`, `of=${copy}`, 'bs=1M', 'iflag=skip_bytes,count_bytes', `skip=${partition.offsetBytes}`, `count=${partition.sizeBytes}`, 'conv=sparse', 'status=none']);
      execFileSync('fsck.fat', ['-n', copy], { stdio: 'ignore' });
    } catch (err) {
      return `${image}: fsck.fat -n on the partition failed (${(err as { status?: number }).status ?? (err as Error).message})`;
    } finally {
      rmSync(copy, { force: true });
    }
    const volume = `${image}@@${partition.offsetBytes}`;
    const wimBytes = statSync(wim).size;
    const size = fatFileSize(volume, '::/sources/boot.wim');
    if (size === null) return `${image} has no \\sources\\boot.wim`;
    if (size !== wimBytes) return `${image}: \\sources\\boot.wim has ${size} bytes, the boot image ${wimBytes}`;
    if (fatFileSize(volume, '::/SMS/data/Variables.dat') === null) return `${image} has no \\SMS\\data\\Variables.dat`;
    const extract = (to: string) => execFileSync('mcopy', ['-n', '-i', volume, '::/sources/boot.wim', to], { stdio: 'ignore', env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
    if (deep && !sameBytes(wim, `${image}.boot.wim`, extract)) return `${image}: \\sources\\boot.wim differs from the boot image`;
    return null;
  },
};

export const mediaTargets: readonly MediaTarget[] = [cd, ufdFormat];

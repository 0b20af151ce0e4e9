/**
 * The ISO image plan as data: what planIso (plan.ts) decides and the encoders (descriptors.ts) and the
 * writer (write.ts) read, with the record geometry both sides compute from (ECMA-119 6.8.1.1, 9.1).
 * It imports neither, so the planner and the encoders do not import each other.
 */
import type { TreeDir, TreeFile } from '../tree.js';
import { directoryRecordBytes, sectorBytes } from '../iso9660/structures.js';

export interface IsoBootOptions {
  /** El Torito BIOS no-emulation default entry (etfsboot.com). */
  bios?: { file: TreeFile; /** 512-byte sectors the BIOS loads; default 8 (etfsboot.com is 4 KiB) */ loadSectors?: number };
  /** El Torito platform 0xEF entry: the EFI system partition image (efisys.bin). */
  uefi?: { file: TreeFile };
}

export interface IsoOptions {
  /** The media label; mapped per file system (docs/iso.md). */
  volumeLabel: string;
  /** Volume dates and the date of every entry without its own; fixed → byte-identical images. Default now. */
  timestamp?: Date;
  boot?: IsoBootOptions;
  /** The UDF 1.02 bridge (oscdimg -u1); default true. */
  udf?: boolean;
}

/** ECMA-119 9.1.4: a data length is 32 bits; larger files become several extents of this size (as xorriso). */
export const maxExtentBytes = 0xffff_f800;

/** One entry of one directory in one tree (primary or Joliet). */
export interface RecordPlan {
  readonly identifier: Uint8Array;
  readonly target: DirPlan | FilePlan;
}

/** One directory of one tree. */
export interface DirSide {
  lba: number;
  sizeBytes: number;
  /** Path table directory number (1 = root). */
  number: number;
  /** The identifier in the parent's path table record / directory record. */
  identifier: Uint8Array;
  records: RecordPlan[];
}

export interface DirPlan {
  readonly kind: 'dir';
  readonly node: TreeDir;
  readonly parent: DirPlan | null;
  readonly modified: Date;
  readonly iso: DirSide;
  readonly joliet: DirSide;
  readonly children: DirPlan[];
}

export interface FilePlan {
  readonly kind: 'file';
  readonly node: TreeFile;
  readonly sizeBytes: number;
  readonly modified: Date;
  lba: number;
}

/** A run of sectors the writer produces in LBA order. */
export interface IsoSection {
  readonly name: string;
  readonly lba: number;
  readonly sectors: number;
  /** The section's content; the writer pads it to `sectors`. */
  readonly content:
    | { kind: 'bytes'; bytes: () => Uint8Array }
    | { kind: 'chunks'; chunks: () => Iterable<Uint8Array> }
    | { kind: 'directory'; dir: DirPlan; tree: 'iso' | 'joliet' }
    | { kind: 'pathTable'; dirs: readonly DirPlan[]; tree: 'iso' | 'joliet'; bigEndian: boolean }
    | { kind: 'file'; file: FilePlan };
}

export interface IsoPlan {
  readonly sizeBytes: number;
  readonly volumeSectors: number;
  readonly timestamp: Date;
  readonly isoVolumeIdentifier: string;
  readonly jolietVolumeIdentifier: string;
  readonly udfVolumeIdentifier: string | null;
  readonly root: DirPlan;
  /** Directories in path table order, per tree. */
  readonly isoDirs: readonly DirPlan[];
  readonly jolietDirs: readonly DirPlan[];
  readonly pathTableBytes: { iso: number; joliet: number };
  readonly pathTableLbas: { isoL: number; isoM: number; jolietL: number; jolietM: number };
  readonly bootCatalogLba: number | null;
  readonly sections: readonly IsoSection[];
  /** Absolute LBA of a file's data (tree files and hidden boot images). */
  fileLba(file: TreeFile): number;
}

/** ECMA-119 6.8.1.1: a record never crosses a sector; one that would starts the next sector. Returns where a record placed at `at` goes. */
export function recordOffset(at: number, length: number): number {
  return (at % sectorBytes) + length > sectorBytes ? Math.ceil(at / sectorBytes) * sectorBytes : at;
}

/** The record offsets of a directory (recordOffset) and its size. */
export function placeRecords(lengths: Iterable<number>): { offsets: number[]; sizeBytes: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const length of lengths) {
    at = recordOffset(at, length);
    offsets.push(at);
    at += length;
  }
  return { offsets, sizeBytes: Math.ceil(at / sectorBytes) * sectorBytes };
}

/** Number of directory records (extents) a file takes: ECMA-119 6.5.1 multi-extent above 4 GiB − 2 KiB. */
export function extentCount(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / maxExtentBytes));
}

/** The lengths of a directory's records in order: `.` and `..` (identifier 1 byte), then one per extent. */
export function recordLengths(side: DirSide): number[] {
  const lengths = [directoryRecordBytes(1), directoryRecordBytes(1)];
  for (const r of side.records) {
    const length = directoryRecordBytes(r.identifier.length);
    const copies = r.target.kind === 'file' ? extentCount(r.target.sizeBytes) : 1;
    for (let i = 0; i < copies; i++) lengths.push(length);
  }
  return lengths;
}


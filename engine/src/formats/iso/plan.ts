/**
 * The ISO image planner: every LBA and size is fixed here, from the tree alone, before any byte is
 * written. The image is ISO 9660 (level 3 where a file needs several extents) + Joliet + El Torito,
 * with the UDF 1.02 bridge (docs/iso.md has the sector map); all trees share one copy of the data.
 */
import { CmTsError } from '../../errors/index.js';
import { bootCatalog, bootRecordLba, efiSectorCount, platformId, type BootImage } from '../eltorito/index.js';
import { assignUnique, compareSplitNames, isoFileIdentifier, isoNameProposal, isoVolumeIdentifier, splitAtLastDot, type SplitName } from '../iso9660/names.js';
import { directoryRecordBytes, maxDirectoryRecordBytes, pathTableRecordBytes, sectorBytes, systemAreaSectors } from '../iso9660/structures.js';
import { jolietNames, jolietVolumeIdentifier } from '../joliet/index.js';
import { lastFilesLast, type TreeDir, type TreeFile } from '../tree.js';
import { bootRecordBytes, terminatorBytes, volumeDescriptorBytes } from './descriptors.js';
import { udfAnchorLba, udfBridge } from './udf-bridge.js';

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

const utf16be = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[2 * i] = text.charCodeAt(i) >> 8;
    out[2 * i + 1] = text.charCodeAt(i) & 0xff;
  }
  return out;
};
const ascii = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
};
const sectorsFor = (bytes: number): number => Math.ceil(bytes / sectorBytes);
const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

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
  return { offsets, sizeBytes: sectorsFor(at) * sectorBytes };
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

function sortRecords(records: Array<RecordPlan & { key: SplitName }>): RecordPlan[] {
  return records.sort((a, b) => compareSplitNames(a.key, b.key)).map(({ identifier, target }) => ({ identifier, target }));
}

export function planIso(root: TreeDir, options: IsoOptions): IsoPlan {
  const timestamp = options.timestamp ?? new Date();
  const useUdf = options.udf ?? udfBridge !== null;
  if (useUdf && !udfBridge) throw new CmTsError('E_NOTIMPL', 'the UDF bridge');
  const files = new Map<TreeFile, FilePlan>();
  const fileOrder: FilePlan[] = [];
  const newSide = (identifier: Uint8Array): DirSide => ({ lba: 0, sizeBytes: 0, number: 0, identifier, records: [] });

  // 1. The trees: names per directory, then ECMA-119 9.3 order.
  const buildDir = (node: TreeDir, parent: DirPlan | null, isoId: string, jolietId: string): DirPlan => {
    const dir: DirPlan = {
      kind: 'dir', node, parent, modified: node.modified ?? timestamp,
      iso: newSide(parent ? ascii(isoId) : new Uint8Array(1)), joliet: newSide(parent ? utf16be(jolietId) : new Uint8Array(1)), children: [],
    };
    // names are assigned in the order of the original names, so the result does not depend on the input order
    const children = [...node.children].sort((a, b) => compareCodeUnits(a.name, b.name));
    const isoNames = assignUnique(children.map((c) => isoNameProposal(c.name, c.kind === 'dir')), '_');
    const jNames = jolietNames(children.map((c) => ({ name: c.name, isDirectory: c.kind === 'dir' })));
    const isoRecords: Array<RecordPlan & { key: SplitName }> = [];
    const jolietRecords: Array<RecordPlan & { key: SplitName }> = [];
    children.forEach((child, i) => {
      const isoName = isoNames[i]!;
      const jolietName = jNames[i]!;
      let target: DirPlan | FilePlan;
      if (child.kind === 'dir') {
        const sub = buildDir(child, dir, isoName.stem, jolietName);
        dir.children.push(sub);
        target = sub;
      } else {
        if (files.has(child)) throw new CmTsError('E_INVALIDARG', `the media tree holds the file object ${child.name} twice`);
        const sizeBytes = child.source.sizeBytes;
        if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new CmTsError('E_INVALIDARG', `size of ${child.source.origin}`);
        const file: FilePlan = { kind: 'file', node: child, sizeBytes, modified: child.modified ?? timestamp, lba: 0 };
        files.set(child, file);
        fileOrder.push(file);
        target = file;
      }
      const isoIdentifier = isoFileIdentifier(isoName, child.kind === 'dir');
      isoRecords.push({ identifier: ascii(isoIdentifier), target, key: splitAtLastDot(isoIdentifier.replace(/;1$/, '')) });
      jolietRecords.push({ identifier: utf16be(jolietName), target, key: splitAtLastDot(jolietName) });
    });
    dir.iso.records = sortRecords(isoRecords);
    dir.joliet.records = sortRecords(jolietRecords);
    for (const r of dir.joliet.records) {
      if (directoryRecordBytes(r.identifier.length) > maxDirectoryRecordBytes) throw new CmTsError('E_UNEXPECTED', 'Joliet record too long');
    }
    return dir;
  };
  const rootPlan = buildDir(root, null, '', '');

  // 2. Path table order (ECMA-119 9.4.3): by level, then parent number, then identifier.
  const pathTableOrder = (tree: 'iso' | 'joliet'): DirPlan[] => {
    const order = [rootPlan];
    for (let i = 0; i < order.length; i++) {
      const dir = order[i]!;
      dir[tree].number = i + 1;
      order.push(...[...dir.children].sort((a, b) => compareBytes(a[tree].identifier, b[tree].identifier)));
    }
    if (tree === 'iso' && order.length > 0xffff) throw new CmTsError('E_INVALIDARG', `${order.length} folders; ISO 9660 path tables number at most 65535`);
    return order;
  };
  const isoDirs = pathTableOrder('iso');
  const jolietDirs = pathTableOrder('joliet');
  const pathTableSize = (dirs: DirPlan[], tree: 'iso' | 'joliet'): number => dirs.reduce((sum, d) => sum + pathTableRecordBytes(d[tree].identifier.length), 0);
  const pathTableBytes = { iso: pathTableSize(isoDirs, 'iso'), joliet: pathTableSize(jolietDirs, 'joliet') };

  // Hidden El Torito images: boot files that are not in the tree get an extent of their own.
  const bootFile = (file: TreeFile): FilePlan => {
    let plan = files.get(file);
    if (!plan) {
      plan = { kind: 'file', node: file, sizeBytes: file.source.sizeBytes, modified: timestamp, lba: 0 };
      files.set(file, plan);
      fileOrder.push(plan);
    }
    return plan;
  };
  const bios = options.boot?.bios ? { file: bootFile(options.boot.bios.file), loadSectors: options.boot.bios.loadSectors ?? 8 } : null;
  const uefi = options.boot?.uefi ? { file: bootFile(options.boot.uefi.file) } : null;
  if (bios && (!Number.isInteger(bios.loadSectors) || bios.loadSectors < 1 || bios.loadSectors > 0xffff)) {
    throw new CmTsError('E_INVALIDARG', `BIOS boot load size ${bios.loadSectors} (1..65535 sectors of 512 bytes)`);
  }
  const hasBoot = bios !== null || uefi !== null;

  // 3. The sector map (docs/iso.md).
  const isoLabel = isoVolumeIdentifier(options.volumeLabel);
  const jolietLabel = jolietVolumeIdentifier(options.volumeLabel);
  const udfLabel = udfVolumeIdentifier(options.volumeLabel);
  const udf = useUdf && udfBridge ? udfBridge(root, { volumeIdentifier: udfLabel, timestamp }) : null;
  let lba = systemAreaSectors;
  const pvdLba = lba++;
  if (hasBoot) {
    if (lba !== bootRecordLba) throw new CmTsError('E_UNEXPECTED', 'boot record not at LBA 17');
    lba++;
  }
  const svdLba = lba++;
  const terminatorLba = lba++;
  const vrsLba = lba;
  if (udf) lba = udfAnchorLba + 1;
  const bootCatalogLba = hasBoot ? lba++ : null;
  const pathTableLbas = { isoL: 0, isoM: 0, jolietL: 0, jolietM: 0 };
  for (const key of ['isoL', 'isoM', 'jolietL', 'jolietM'] as const) {
    pathTableLbas[key] = lba;
    lba += sectorsFor(pathTableBytes[key.startsWith('iso') ? 'iso' : 'joliet']);
  }
  for (const [dirs, tree] of [[isoDirs, 'iso'], [jolietDirs, 'joliet']] as const) {
    for (const dir of dirs) {
      dir[tree].sizeBytes = placeRecords(recordLengths(dir[tree])).sizeBytes;
      dir[tree].lba = lba;
      lba += dir[tree].sizeBytes / sectorBytes;
    }
  }
  const partitionStartLba = lba;
  if (udf) lba += udf.metadataSectors;
  fileOrder.splice(0, fileOrder.length, ...lastFilesLast(fileOrder, (f) => f.node));
  for (const file of fileOrder) {
    // an empty file has no extent; ECMA-119 allows any location for a zero data length
    file.lba = file.sizeBytes > 0 ? lba : 0;
    lba += sectorsFor(file.sizeBytes);
  }
  const volumeSectors = udf ? lba + 1 : lba;
  udf?.assign({ partitionStartLba, volumeSectors, fileLba: (f) => files.get(f)!.lba });

  // 4. The sections, in LBA order.
  const plan = {
    sizeBytes: volumeSectors * sectorBytes, volumeSectors, timestamp,
    isoVolumeIdentifier: isoLabel, jolietVolumeIdentifier: jolietLabel, udfVolumeIdentifier: udf ? udfLabel : null,
    root: rootPlan, isoDirs, jolietDirs, pathTableBytes, pathTableLbas, bootCatalogLba,
    fileLba(file: TreeFile): number {
      const f = files.get(file);
      if (!f) throw new CmTsError('E_UNEXPECTED', `${file.name} is not in the plan`);
      return f.lba;
    },
  };
  const sections: IsoSection[] = [];
  const add = (name: string, at: number, sectors: number, content: IsoSection['content']): void => {
    sections.push({ name, lba: at, sectors, content });
  };
  add('primary volume descriptor', pvdLba, 1, { kind: 'bytes', bytes: () => volumeDescriptorBytes(plan, 'iso') });
  const bootImages: BootImage[] = [];
  if (bios) bootImages.push({ platform: platformId.x86, loadRba: bios.file.lba, sectorCount: bios.loadSectors });
  if (uefi) bootImages.push({ platform: platformId.efi, loadRba: uefi.file.lba, sectorCount: efiSectorCount(uefi.file.sizeBytes) });
  if (bootCatalogLba !== null) add('El Torito boot record', bootRecordLba, 1, { kind: 'bytes', bytes: () => bootRecordBytes(bootCatalogLba) });
  add('Joliet supplementary volume descriptor', svdLba, 1, { kind: 'bytes', bytes: () => volumeDescriptorBytes(plan, 'joliet') });
  add('volume descriptor set terminator', terminatorLba, 1, { kind: 'bytes', bytes: terminatorBytes });
  if (udf) {
    for (const s of udf.fixedSectors(vrsLba)) add(`UDF sector ${s.lba}`, s.lba, sectorsFor(s.bytes.length), { kind: 'bytes', bytes: () => s.bytes });
  }
  if (bootCatalogLba !== null) add('El Torito boot catalog', bootCatalogLba, 1, { kind: 'bytes', bytes: () => bootCatalog(bootImages) });
  add('ISO 9660 type L path table', pathTableLbas.isoL, sectorsFor(pathTableBytes.iso), { kind: 'pathTable', dirs: isoDirs, tree: 'iso', bigEndian: false });
  add('ISO 9660 type M path table', pathTableLbas.isoM, sectorsFor(pathTableBytes.iso), { kind: 'pathTable', dirs: isoDirs, tree: 'iso', bigEndian: true });
  add('Joliet type L path table', pathTableLbas.jolietL, sectorsFor(pathTableBytes.joliet), { kind: 'pathTable', dirs: jolietDirs, tree: 'joliet', bigEndian: false });
  add('Joliet type M path table', pathTableLbas.jolietM, sectorsFor(pathTableBytes.joliet), { kind: 'pathTable', dirs: jolietDirs, tree: 'joliet', bigEndian: true });
  for (const tree of ['iso', 'joliet'] as const) {
    for (const dir of tree === 'iso' ? isoDirs : jolietDirs) add(`${tree} directory ${dir.node.name || '/'}`, dir[tree].lba, dir[tree].sizeBytes / sectorBytes, { kind: 'directory', dir, tree });
  }
  if (udf) add('UDF metadata', partitionStartLba, udf.metadataSectors, { kind: 'chunks', chunks: () => udf.metadataChunks() });
  for (const file of fileOrder) if (file.sizeBytes > 0) add(file.node.source.origin, file.lba, sectorsFor(file.sizeBytes), { kind: 'file', file });
  sections.sort((a, b) => a.lba - b.lba);
  for (let i = 1; i < sections.length; i++) {
    const prev = sections[i - 1]!;
    if (prev.lba + prev.sectors > sections[i]!.lba) throw new CmTsError('E_UNEXPECTED', `${prev.name} overlaps ${sections[i]!.name}`);
  }
  return { ...plan, sections };
}

/**
 * UDF volume identifier: the label as is, at most 30 characters (OSTA UDF 2.1.1 dstring of 32
 * bytes with 8-bit characters) or 15 when a character needs 16 bits.
 */
export function udfVolumeIdentifier(label: string): string {
  const wide = [...label].some((c) => c.charCodeAt(0) > 0xff);
  return label.slice(0, wide ? 15 : 30);
}

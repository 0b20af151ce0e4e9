/**
 * The ISO image planner: every LBA and size is fixed here, from the tree alone, before any byte is
 * written. The image is ISO 9660 (level 3 where a file needs several extents) + Joliet + El Torito,
 * with the UDF 1.02 bridge (docs/iso.md has the sector map); all trees share one copy of the data.
 * The plan's types and record geometry are in model.ts.
 */
import { CmTsError } from '../../errors/index.js';
import { bootCatalog, bootRecordLba, efiSectorCount, platformId, type BootImage } from '../eltorito/index.js';
import { assignUnique, compareSplitNames, isoFileIdentifier, isoNameProposal, isoVolumeIdentifier, splitAtLastDot, type SplitName } from '../iso9660/names.js';
import { directoryRecordBytes, maxDirectoryRecordBytes, pathTableRecordBytes, sectorBytes, systemAreaSectors } from '../iso9660/structures.js';
import { jolietNames, jolietVolumeIdentifier } from '../joliet/index.js';
import { lastFilesLast, type TreeDir, type TreeFile } from '../tree.js';
import { bootRecordBytes, terminatorBytes, volumeDescriptorBytes } from './descriptors.js';
import { placeRecords, recordLengths, type DirPlan, type DirSide, type FilePlan, type IsoOptions, type IsoPlan, type IsoSection, type RecordPlan } from './model.js';
import { udfAnchorLba, udfBridge, type UdfPart } from './udf-bridge.js';

export {
  extentCount, maxExtentBytes, placeRecords, recordLengths, recordOffset,
  type DirPlan, type DirSide, type FilePlan, type IsoBootOptions, type IsoOptions, type IsoPlan, type IsoSection, type RecordPlan,
} from './model.js';

type Tree = 'iso' | 'joliet';

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
const newSide = (identifier: Uint8Array): DirSide => ({ lba: 0, sizeBytes: 0, number: 0, identifier, records: [] });

function sortRecords(records: Array<RecordPlan & { key: SplitName }>): RecordPlan[] {
  return records.sort((a, b) => compareSplitNames(a.key, b.key)).map(({ identifier, target }) => ({ identifier, target }));
}

/** Every file's plan, by tree node, and the files in the order they were met (tree files, then hidden boot images). */
interface FileTable {
  readonly timestamp: Date;
  readonly byNode: Map<TreeFile, FilePlan>;
  readonly order: FilePlan[];
}

function addTreeFile(table: FileTable, child: TreeFile): FilePlan {
  if (table.byNode.has(child)) throw new CmTsError('E_INVALIDARG', `the media tree holds the file object ${child.name} twice`);
  const sizeBytes = child.source.sizeBytes;
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new CmTsError('E_INVALIDARG', `size of ${child.source.origin}`);
  const file: FilePlan = { kind: 'file', node: child, sizeBytes, modified: child.modified ?? table.timestamp, lba: 0 };
  table.byNode.set(child, file);
  table.order.push(file);
  return file;
}

/** Step 1, the trees: names per directory (ISO 9660 and Joliet), then ECMA-119 9.3 record order. */
function planDirectory(table: FileTable, node: TreeDir, parent: DirPlan | null, isoId: string, jolietId: string): DirPlan {
  const dir: DirPlan = {
    kind: 'dir', node, parent, modified: node.modified ?? table.timestamp,
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
      target = planDirectory(table, child, dir, isoName.stem, jolietName);
      dir.children.push(target);
    } else {
      target = addTreeFile(table, child);
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
}

/** Step 2, path table order (ECMA-119 9.4.3): by level, then parent number, then identifier; numbers the directories. */
function pathTableOrder(root: DirPlan, tree: Tree): DirPlan[] {
  const order = [root];
  for (let i = 0; i < order.length; i++) {
    const dir = order[i]!;
    dir[tree].number = i + 1;
    order.push(...[...dir.children].sort((a, b) => compareBytes(a[tree].identifier, b[tree].identifier)));
  }
  if (tree === 'iso' && order.length > 0xffff) throw new CmTsError('E_INVALIDARG', `${order.length} folders; ISO 9660 path tables number at most 65535`);
  return order;
}

interface BootPlan {
  readonly bios: { file: FilePlan; loadSectors: number } | null;
  readonly uefi: { file: FilePlan } | null;
}

/** Hidden El Torito images: boot files that are not in the tree get an extent of their own. */
function planBootFiles(table: FileTable, boot: IsoOptions['boot']): BootPlan {
  const bootFile = (file: TreeFile): FilePlan => {
    let plan = table.byNode.get(file);
    if (!plan) {
      plan = { kind: 'file', node: file, sizeBytes: file.source.sizeBytes, modified: table.timestamp, lba: 0 };
      table.byNode.set(file, plan);
      table.order.push(plan);
    }
    return plan;
  };
  const bios = boot?.bios ? { file: bootFile(boot.bios.file), loadSectors: boot.bios.loadSectors ?? 8 } : null;
  const uefi = boot?.uefi ? { file: bootFile(boot.uefi.file) } : null;
  if (bios && (!Number.isInteger(bios.loadSectors) || bios.loadSectors < 1 || bios.loadSectors > 0xffff)) {
    throw new CmTsError('E_INVALIDARG', `BIOS boot load size ${bios.loadSectors} (1..65535 sectors of 512 bytes)`);
  }
  return { bios, uefi };
}

/** Where step 3 put the fixed structures. */
interface SectorMap {
  readonly pvdLba: number;
  readonly svdLba: number;
  readonly terminatorLba: number;
  /** The UDF volume recognition sequence starts here (right after the terminator). */
  readonly vrsLba: number;
  readonly bootCatalogLba: number | null;
  readonly pathTableLbas: IsoPlan['pathTableLbas'];
  readonly partitionStartLba: number;
  readonly volumeSectors: number;
}

/** Step 3, the sector map (docs/iso.md): descriptors, boot catalog, path tables, directories, UDF metadata, file data. */
function placeSectors(trees: { isoDirs: DirPlan[]; jolietDirs: DirPlan[]; pathTableBytes: IsoPlan['pathTableBytes'] }, table: FileTable, hasBoot: boolean, udf: UdfPart | null): SectorMap {
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
    lba += sectorsFor(trees.pathTableBytes[key.startsWith('iso') ? 'iso' : 'joliet']);
  }
  for (const [dirs, tree] of [[trees.isoDirs, 'iso'], [trees.jolietDirs, 'joliet']] as const) {
    for (const dir of dirs) {
      dir[tree].sizeBytes = placeRecords(recordLengths(dir[tree])).sizeBytes;
      dir[tree].lba = lba;
      lba += dir[tree].sizeBytes / sectorBytes;
    }
  }
  const partitionStartLba = lba;
  if (udf) lba += udf.metadataSectors;
  table.order.splice(0, table.order.length, ...lastFilesLast(table.order, (f) => f.node));
  for (const file of table.order) {
    // an empty file has no extent; ECMA-119 allows any location for a zero data length
    file.lba = file.sizeBytes > 0 ? lba : 0;
    lba += sectorsFor(file.sizeBytes);
  }
  const volumeSectors = udf ? lba + 1 : lba;
  return { pvdLba, svdLba, terminatorLba, vrsLba, bootCatalogLba, pathTableLbas, partitionStartLba, volumeSectors };
}

/** Step 4, the sections the writer produces, in LBA order; no two may overlap. */
function planSections(plan: Omit<IsoPlan, 'sections'>, map: SectorMap, boot: BootPlan, udf: UdfPart | null, files: readonly FilePlan[]): IsoSection[] {
  const sections: IsoSection[] = [];
  const add = (name: string, at: number, sectors: number, content: IsoSection['content']): void => {
    sections.push({ name, lba: at, sectors, content });
  };
  const { bootCatalogLba, pathTableLbas } = map;
  const { isoDirs, jolietDirs, pathTableBytes } = plan;
  add('primary volume descriptor', map.pvdLba, 1, { kind: 'bytes', bytes: () => volumeDescriptorBytes(plan, 'iso') });
  const bootImages: BootImage[] = [];
  if (boot.bios) bootImages.push({ platform: platformId.x86, loadRba: boot.bios.file.lba, sectorCount: boot.bios.loadSectors });
  if (boot.uefi) bootImages.push({ platform: platformId.efi, loadRba: boot.uefi.file.lba, sectorCount: efiSectorCount(boot.uefi.file.sizeBytes) });
  if (bootCatalogLba !== null) add('El Torito boot record', bootRecordLba, 1, { kind: 'bytes', bytes: () => bootRecordBytes(bootCatalogLba) });
  add('Joliet supplementary volume descriptor', map.svdLba, 1, { kind: 'bytes', bytes: () => volumeDescriptorBytes(plan, 'joliet') });
  add('volume descriptor set terminator', map.terminatorLba, 1, { kind: 'bytes', bytes: terminatorBytes });
  if (udf) {
    for (const s of udf.fixedSectors(map.vrsLba)) add(`UDF sector ${s.lba}`, s.lba, sectorsFor(s.bytes.length), { kind: 'bytes', bytes: () => s.bytes });
  }
  if (bootCatalogLba !== null) add('El Torito boot catalog', bootCatalogLba, 1, { kind: 'bytes', bytes: () => bootCatalog(bootImages) });
  add('ISO 9660 type L path table', pathTableLbas.isoL, sectorsFor(pathTableBytes.iso), { kind: 'pathTable', dirs: isoDirs, tree: 'iso', bigEndian: false });
  add('ISO 9660 type M path table', pathTableLbas.isoM, sectorsFor(pathTableBytes.iso), { kind: 'pathTable', dirs: isoDirs, tree: 'iso', bigEndian: true });
  add('Joliet type L path table', pathTableLbas.jolietL, sectorsFor(pathTableBytes.joliet), { kind: 'pathTable', dirs: jolietDirs, tree: 'joliet', bigEndian: false });
  add('Joliet type M path table', pathTableLbas.jolietM, sectorsFor(pathTableBytes.joliet), { kind: 'pathTable', dirs: jolietDirs, tree: 'joliet', bigEndian: true });
  for (const tree of ['iso', 'joliet'] as const) {
    for (const dir of tree === 'iso' ? isoDirs : jolietDirs) add(`${tree} directory ${dir.node.name || '/'}`, dir[tree].lba, dir[tree].sizeBytes / sectorBytes, { kind: 'directory', dir, tree });
  }
  if (udf) add('UDF metadata', map.partitionStartLba, udf.metadataSectors, { kind: 'chunks', chunks: () => udf.metadataChunks() });
  for (const file of files) if (file.sizeBytes > 0) add(file.node.source.origin, file.lba, sectorsFor(file.sizeBytes), { kind: 'file', file });
  sections.sort((a, b) => a.lba - b.lba);
  for (let i = 1; i < sections.length; i++) {
    const prev = sections[i - 1]!;
    if (prev.lba + prev.sectors > sections[i]!.lba) throw new CmTsError('E_UNEXPECTED', `${prev.name} overlaps ${sections[i]!.name}`);
  }
  return sections;
}

export function planIso(root: TreeDir, options: IsoOptions): IsoPlan {
  const timestamp = options.timestamp ?? new Date();
  const useUdf = options.udf ?? udfBridge !== null;
  if (useUdf && !udfBridge) throw new CmTsError('E_NOTIMPL', 'the UDF bridge');
  const table: FileTable = { timestamp, byNode: new Map(), order: [] };
  const rootPlan = planDirectory(table, root, null, '', '');
  const isoDirs = pathTableOrder(rootPlan, 'iso');
  const jolietDirs = pathTableOrder(rootPlan, 'joliet');
  const pathTableSize = (dirs: DirPlan[], tree: Tree): number => dirs.reduce((sum, d) => sum + pathTableRecordBytes(d[tree].identifier.length), 0);
  const pathTableBytes = { iso: pathTableSize(isoDirs, 'iso'), joliet: pathTableSize(jolietDirs, 'joliet') };
  const boot = planBootFiles(table, options.boot);
  const isoLabel = isoVolumeIdentifier(options.volumeLabel);
  const jolietLabel = jolietVolumeIdentifier(options.volumeLabel);
  const udfLabel = udfVolumeIdentifier(options.volumeLabel);
  const udf = useUdf && udfBridge ? udfBridge(root, { volumeIdentifier: udfLabel, timestamp }) : null;
  const map = placeSectors({ isoDirs, jolietDirs, pathTableBytes }, table, boot.bios !== null || boot.uefi !== null, udf);
  udf?.assign({ partitionStartLba: map.partitionStartLba, volumeSectors: map.volumeSectors, fileLba: (f) => table.byNode.get(f)!.lba });
  const plan = {
    sizeBytes: map.volumeSectors * sectorBytes, volumeSectors: map.volumeSectors, timestamp,
    isoVolumeIdentifier: isoLabel, jolietVolumeIdentifier: jolietLabel, udfVolumeIdentifier: udf ? udfLabel : null,
    root: rootPlan, isoDirs, jolietDirs, pathTableBytes, pathTableLbas: map.pathTableLbas, bootCatalogLba: map.bootCatalogLba,
    fileLba(file: TreeFile): number {
      const f = table.byNode.get(file);
      if (!f) throw new CmTsError('E_UNEXPECTED', `${file.name} is not in the plan`);
      return f.lba;
    },
  };
  return { ...plan, sections: planSections(plan, map, boot, udf, table.order) };
}

/**
 * UDF volume identifier: the label as is, at most 30 characters (OSTA UDF 2.1.1 dstring of 32
 * bytes with 8-bit characters) or 15 when a character needs 16 bits.
 */
export function udfVolumeIdentifier(label: string): string {
  const wide = [...label].some((c) => c.charCodeAt(0) > 0xff);
  return label.slice(0, wide ? 15 : 30);
}

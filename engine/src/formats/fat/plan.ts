/**
 * The UFD+FORMAT disk planner: an MBR with one active FAT32 partition at 1 MiB, and the FAT32 file
 * system with the media tree in it. Every cluster, size and byte offset is fixed here, from the tree
 * alone, before anything is written (docs/usb.md has the disk map).
 *
 * Allocation is contiguous and in write order: the root directory at cluster 2, then every other
 * directory, then every file, each in one run of clusters. The FAT therefore follows from the list
 * of runs, and the whole disk is written front to back in one pass.
 */
import { CmTsError } from '../../errors/index.js';
import { mbrSectorBytes } from '../mbr/index.js';
import { lastFilesLast, type TreeDir, type TreeFile } from '../tree.js';
import { assignFatName, checkLongName, type FatName, fatVolumeLabel, longEntryCount } from './names.js';
import { dirEntryBytes, maxDirEntries, maxFat32Clusters, minFat32Clusters, sectorBytes } from './structures.js';

export interface FatDiskOptions {
  diskSizeBytes: number;
  /** The media label; BS_VolLab and the label entry get fatVolumeLabel(volumeLabel). */
  volumeLabel: string;
  /** Every entry's time when the node has none; the fixed default keeps images byte-stable in tests. */
  timestamp?: Date;
  /** BS_VolID (and the MBR disk signature): 32 bits; callers pass a random one. */
  volumeId: number;
  /** The package ID for CREATETSMEDIA_E_PACKAGETOOLARGE's detail. */
  packageId?: string;
}

/** Partition 1 starts at 1 MiB (LBA 2048): aligned for flash erase blocks, as Windows and sfdisk do. */
export const partitionStartLba = 2048;
export const reservedSectors = 32;
export const numFats = 2;
export const fsInfoSectorIndex = 1;
/** The boot record's third sector: the second stage of the BIOS boot code (docs/usb.md "BIOS boot"), as Windows places its own. */
export const bootCodeSectorIndex = 2;
/** The backup boot record, sectors 6..8 = copies of 0..2 (fatgen103 BPB_BkBootSec). */
export const backupBootSectorIndex = 6;
/** FAT32 file sizes are 32-bit (fatgen103 DIR_FileSize). */
export const maxFat32FileBytes = 0xffff_ffff;

/**
 * fatgen103 "DskTableFAT32": sectors per cluster by volume size in 512-byte sectors. Below 66 600
 * sectors (32.5 MiB) a FAT32 volume would have fewer than 65 525 clusters: that disk is too small.
 */
const clusterTable: ReadonlyArray<readonly [maxSectors: number, sectorsPerCluster: number]> = [
  [532_480, 1], // up to 260 MiB: 512 B
  [16_777_216, 8], // up to 8 GiB: 4 KiB
  [33_554_432, 16], // up to 16 GiB: 8 KiB
  [67_108_864, 32], // up to 32 GiB: 16 KiB
  [Infinity, 64], // larger: 32 KiB
];
const minFat32VolumeSectors = 66_600;

export interface FatGeometry {
  partitionStartLba: number;
  partitionSectors: number;
  sectorsPerCluster: number;
  reservedSectors: number;
  fatSectors: number;
  clusterCount: number;
  /** First sector of the data region (cluster 2), relative to the partition. */
  dataStartSector: number;
  clusterBytes: number;
}

/** One entry of a directory, in on-disk order. */
export interface DirEntryPlan {
  readonly kind: 'label' | 'dot' | 'dotdot' | 'node';
  readonly name: FatName;
  readonly directory: boolean;
  /** First cluster (0 for an empty file, the label, and '..' pointing at the root). */
  readonly firstCluster: () => number;
  readonly sizeBytes: number;
  readonly modified: Date;
}

export interface FatRun {
  readonly firstCluster: number;
  readonly clusters: number;
}

export interface FatDirPlan extends FatRun {
  readonly kind: 'dir';
  readonly path: string;
  readonly entries: DirEntryPlan[];
}

export interface FatFilePlan extends FatRun {
  readonly kind: 'file';
  readonly path: string;
  readonly node: TreeFile;
  readonly sizeBytes: number;
}

export interface FatDiskPlan {
  readonly diskSizeBytes: number;
  readonly geometry: FatGeometry;
  readonly volumeLabel: string;
  readonly volumeId: number;
  readonly timestamp: Date;
  /** Directories then files, in cluster order (= write order). Empty files have no run and are not listed. */
  readonly runs: ReadonlyArray<FatDirPlan | FatFilePlan>;
  /** Clusters in use (2 .. 2 + usedClusters − 1). */
  readonly usedClusters: number;
  /** Byte offset on the disk just past the last used cluster: everything the writer must produce. */
  readonly endOfDataBytes: number;
  readonly fileBytes: number;
  readonly fileCount: number;
}

const defaultTimestamp = new Date(Date.UTC(2024, 0, 1));

/** fatgen103 "FAT Data Structure": FATSz from the volume size, rounded up; the data region is then cluster-aligned. */
export function fatGeometry(diskSizeBytes: number, packageId = ''): FatGeometry {
  const diskSectors = Math.floor(diskSizeBytes / mbrSectorBytes);
  // The MBR's 32-bit fields limit the partition to 2^32 − 1 sectors (2 TiB).
  const partitionSectors = Math.min(diskSectors - partitionStartLba, 0xffff_ffff);
  if (partitionSectors < minFat32VolumeSectors) throw new CmTsError('CREATETSMEDIA_E_PACKAGETOOLARGE', packageId, { reason: 'disk', diskSizeBytes, minimumBytes: (partitionStartLba + minFat32VolumeSectors) * mbrSectorBytes });
  const sectorsPerCluster = clusterTable.find(([max]) => partitionSectors <= max)![1];
  const tmpVal1 = partitionSectors - reservedSectors;
  const tmpVal2 = (256 * sectorsPerCluster + numFats) / 2;
  const fatSectors = Math.ceil(tmpVal1 / tmpVal2);
  // Grow the reserved area so that cluster 2 starts on a cluster boundary (flash pages; mkfs.fat does the same).
  const misalign = (reservedSectors + numFats * fatSectors) % sectorsPerCluster;
  const reserved = reservedSectors + (misalign ? sectorsPerCluster - misalign : 0);
  const dataStartSector = reserved + numFats * fatSectors;
  const clusterCount = Math.floor((partitionSectors - dataStartSector) / sectorsPerCluster);
  if (clusterCount < minFat32Clusters || clusterCount > maxFat32Clusters || fatSectors * (sectorBytes / 4) < clusterCount + 2) {
    throw new CmTsError('E_UNEXPECTED', `FAT32 geometry for ${partitionSectors} sectors: ${clusterCount} clusters, ${fatSectors} FAT sectors`);
  }
  return { partitionStartLba, partitionSectors, sectorsPerCluster, reservedSectors: reserved, fatSectors, clusterCount, dataStartSector, clusterBytes: sectorsPerCluster * sectorBytes };
}

/** Lays out the disk. Too small a disk, too much content or a file over 4 GiB − 1 is PACKAGETOOLARGE. */
/** What pass 1 collects while it walks the tree. */
interface FatPlanState {
  readonly geometry: FatGeometry;
  readonly timestamp: Date;
  readonly packageId: string;
  readonly volumeLabel: string;
  readonly dirs: FatDirPlan[];
  readonly files: FatFilePlan[];
  /** The next free cluster. */
  next: number;
  fileBytes: number;
  fileCount: number;
}

interface PendingDir { node: TreeDir; path: string; plan?: FatDirPlan }

/** The label entry of the root, or the `.` and `..` entries of a subdirectory (fatgen103). */
function firstEntries(state: FatPlanState, node: TreeDir, parent: FatDirPlan | null, used: Set<string>, self: { plan?: FatDirPlan }): DirEntryPlan[] {
  if (parent === null) {
    const label = fatVolumeLabel(state.volumeLabel);
    return [{ kind: 'label', name: { short: new TextEncoder().encode(label.padEnd(11)), long: null }, directory: false, firstCluster: () => 0, sizeBytes: 0, modified: state.timestamp }];
  }
  const dot = (kind: 'dot' | 'dotdot', cluster: () => number): DirEntryPlan => {
    const name = kind === 'dot' ? '.' : '..';
    used.add(name.padEnd(11));
    return { kind, name: { short: new TextEncoder().encode(name.padEnd(11)), long: null }, directory: true, firstCluster: cluster, sizeBytes: 0, modified: node.modified ?? state.timestamp };
  };
  // fatgen103: '.' is the directory itself, '..' its parent, 0 when the parent is the root.
  return [dot('dot', () => self.plan!.firstCluster), dot('dotdot', () => (parent.path === '' ? 0 : parent.firstCluster))];
}

/** The entry of one file; the file joins the data runs when it has data. */
function fileEntry(state: FatPlanState, child: TreeFile, childPath: string, name: DirEntryPlan['name'], modified: Date): DirEntryPlan {
  const sizeBytes = child.source.sizeBytes;
  if (sizeBytes > maxFat32FileBytes) throw new CmTsError('CREATETSMEDIA_E_PACKAGETOOLARGE', state.packageId, { reason: 'fat32-file-size', path: childPath, sizeBytes });
  const plan: FatFilePlan = { kind: 'file', path: childPath, node: child, sizeBytes, firstCluster: 0, clusters: Math.ceil(sizeBytes / state.geometry.clusterBytes) };
  if (sizeBytes > 0) state.files.push(plan);
  state.fileBytes += sizeBytes;
  state.fileCount++;
  return { kind: 'node', name, directory: false, firstCluster: () => plan.firstCluster, sizeBytes, modified };
}

/** Pass 1: directory entries and sizes (pre-order, so the root gets cluster 2). */
function planFatDirectory(state: FatPlanState, node: TreeDir, path: string, parent: FatDirPlan | null): FatDirPlan {
  const used = new Set<string>();
  const self: { plan?: FatDirPlan } = {};
  const entries = firstEntries(state, node, parent, used, self);
  const children: PendingDir[] = [];
  for (const child of node.children) {
    const childPath = path ? `${path}/${child.name}` : child.name;
    checkLongName(child.name, childPath);
    const name = assignFatName(child.name, used);
    const modified = child.modified ?? state.timestamp;
    if (child.kind === 'dir') {
      const pending: PendingDir = { node: child, path: childPath };
      children.push(pending);
      entries.push({ kind: 'node', name, directory: true, firstCluster: () => pending.plan!.firstCluster, sizeBytes: 0, modified });
    } else {
      entries.push(fileEntry(state, child, childPath, name, modified));
    }
  }
  const entryCount = entries.reduce((n, e) => n + 1 + longEntryCount(e.name.long), 0);
  if (entryCount > maxDirEntries) throw new CmTsError('E_INVALIDARG', `folder "${path || '\\'}" needs ${entryCount} FAT directory entries; at most ${maxDirEntries} fit`);
  const plan: FatDirPlan = { kind: 'dir', path, entries, firstCluster: state.next, clusters: Math.max(1, Math.ceil((entryCount * dirEntryBytes) / state.geometry.clusterBytes)) };
  self.plan = plan;
  state.next += plan.clusters;
  state.dirs.push(plan);
  for (const c of children) c.plan = planFatDirectory(state, c.node, c.path, plan);
  return plan;
}

export function planFatDisk(root: TreeDir, options: FatDiskOptions): FatDiskPlan {
  const packageId = options.packageId ?? '';
  const geometry = fatGeometry(options.diskSizeBytes, packageId);
  const timestamp = options.timestamp ?? defaultTimestamp;
  const clusterBytes = geometry.clusterBytes;
  const state: FatPlanState = { geometry, timestamp, packageId, volumeLabel: options.volumeLabel, dirs: [], files: [], next: 2, fileBytes: 0, fileCount: 0 };
  planFatDirectory(state, root, '', null);

  // Pass 2: file runs after all directories.
  const runs: Array<FatDirPlan | FatFilePlan> = [...state.dirs];
  for (const f of lastFilesLast(state.files, (file) => file.node)) {
    (f as { firstCluster: number }).firstCluster = state.next;
    state.next += f.clusters;
    runs.push(f);
  }
  const usedClusters = state.next - 2;
  if (usedClusters > geometry.clusterCount) {
    throw new CmTsError('CREATETSMEDIA_E_PACKAGETOOLARGE', packageId, { reason: 'disk', neededBytes: usedClusters * clusterBytes, availableBytes: geometry.clusterCount * clusterBytes });
  }
  const endOfDataBytes = (geometry.partitionStartLba + geometry.dataStartSector) * sectorBytes + usedClusters * clusterBytes;
  return {
    diskSizeBytes: options.diskSizeBytes,
    geometry,
    volumeLabel: fatVolumeLabel(options.volumeLabel),
    volumeId: options.volumeId >>> 0,
    timestamp,
    runs,
    usedClusters,
    endOfDataBytes,
    fileBytes: state.fileBytes,
    fileCount: state.fileCount,
  };
}

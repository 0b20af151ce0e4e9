/**
 * MediaType UFD: the media tree copied onto an already formatted, mounted volume.
 *
 * The file system is read from the volume's own boot sector when the mount's source can be read (a
 * block device or an image file named in /proc/self/mountinfo; on Windows \\.\X:), else taken from
 * what the OS reports. FAT12/FAT16 → UFD_FS_FAT16; FAT32 and NTFS are accepted; anything else →
 * UFD_FS_UNKNOWN (docs/usb.md "UFD: copying onto a mounted volume").
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rmdir, statfs, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CmTsError, fromSystemError } from '../errors/index.js';
import { fatBpbCommon } from '../formats/fat/index.js';
import { maxFat32FileBytes } from '../formats/fat/plan.js';
import { lastFilesLast, type TreeDir, type TreeFile } from '../formats/tree.js';
import type { UndoJournal } from '../output/undo.js';
import { mountOf, readMounts, type MountEntry } from './mounts.js';

export type VolumeFileSystem = 'FAT12' | 'FAT16' | 'FAT32' | 'NTFS' | 'exFAT' | 'ext' | 'unknown';

/** Bytes read from the start of a volume: the boot sector, and ext2/3/4's superblock at 1024. */
export const probeBytes = 2048;

/**
 * The file system whose boot sector (or ext superblock) `head` starts with, or null. FAT type by
 * cluster count only (fatgen103 "FAT Type Determination"): < 4085 FAT12, < 65525 FAT16, else FAT32.
 */
export function fileSystemFromBootSector(head: Uint8Array): VolumeFileSystem | null {
  if (head.length < 512) return null;
  const oemName = String.fromCharCode(...head.subarray(3, 11));
  // NTFS and exFAT put their names where FAT has BS_OEMName (exFAT spec 3.1.2, NTFS boot sector).
  if (oemName === 'NTFS    ') return 'NTFS';
  if (oemName === 'EXFAT   ') return 'exFAT';
  // ext2/3/4 superblock s_magic 0xEF53 at byte 1024 + 56.
  if (head.length >= 1024 + 58 && head[1024 + 56] === 0x53 && head[1024 + 57] === 0xef) return 'ext';
  if (head[510] !== 0x55 || head[511] !== 0xaa) return null;
  const b = fatBpbCommon.decode(head);
  const jump = b.BS_jmpBoot;
  const power2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;
  if (!((jump[0] === 0xeb && jump[2] === 0x90) || jump[0] === 0xe9)) return null;
  if (![512, 1024, 2048, 4096].includes(b.BPB_BytsPerSec) || !power2(b.BPB_SecPerClus) || b.BPB_RsvdSecCnt === 0 || b.BPB_NumFATs === 0) return null;
  const fatSectors = b.BPB_FATSz16 || new DataView(head.buffer, head.byteOffset).getUint32(36, true);
  const totalSectors = b.BPB_TotSec16 || b.BPB_TotSec32;
  const rootDirSectors = Math.ceil((b.BPB_RootEntCnt * 32) / b.BPB_BytsPerSec);
  const dataSectors = totalSectors - (b.BPB_RsvdSecCnt + b.BPB_NumFATs * fatSectors + rootDirSectors);
  if (fatSectors === 0 || dataSectors <= 0) return null;
  return fatTypeByClusters(Math.floor(dataSectors / b.BPB_SecPerClus));
}

export function fatTypeByClusters(clusters: number): 'FAT12' | 'FAT16' | 'FAT32' {
  return clusters < 4085 ? 'FAT12' : clusters < 65525 ? 'FAT16' : 'FAT32';
}

/**
 * Windows: the volume as the module read it with Get-Volume (docs/usb.md "UFD on Windows"), for when
 * the boot sector cannot be read (\\.\X: opens only elevated). `fileSystem` is Get-Volume's name:
 * FAT32, NTFS, exFAT, ReFS, or FAT, which Windows says of FAT12 and FAT16 alike.
 */
export interface VolumeFacts {
  fileSystem: string;
  /** Size and SizeRemaining. */
  sizeBytes: number;
  freeBytes: number;
  /** AllocationUnitSize. */
  clusterBytes: number;
}

export interface VolumeInfo {
  /** The mount point (Linux) or drive root (Windows) the destination lies on. */
  mountPoint: string;
  fileSystem: VolumeFileSystem;
  /** Where fileSystem came from. */
  evidence: 'boot-sector' | 'os';
  /** Null when the OS reports no usable numbers (fusefat's statfs says 0 blocks on FAT32): the copy then finds out. */
  freeBytes: number | null;
  /** Allocation unit for the space estimate. */
  clusterBytes: number;
}

async function readHead(path: string): Promise<Uint8Array | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = new Uint8Array(probeBytes);
      const { bytesRead } = await handle.read(head, 0, probeBytes, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** The OS's name for a file system, mapped; `blocks` = statfs f_blocks, which vfat reports in clusters. */
function fileSystemFromOs(fsType: string, blocks: number): VolumeFileSystem {
  switch (fsType.toLowerCase()) {
    case 'vfat':
    case 'msdos':
      // Linux vfat_statfs: f_bsize = cluster size, f_blocks = cluster count → the fatgen103 rule applies.
      return fatTypeByClusters(blocks);
    case 'fat32':
      return 'FAT32';
    case 'fat':
    case 'fat16':
    case 'fat12':
      return 'FAT16';
    case 'ntfs':
    case 'ntfs3':
    case 'fuse.ntfs-3g':
      return 'NTFS';
    case 'exfat':
      return 'exFAT';
    default:
      // fuseblk / fuse.*: FUSE does not say which file system; without a readable source it is unknown.
      return 'unknown';
  }
}

/** Finds the destination's volume and its file system and free space. */
export async function inspectVolume(destination: string, options: { facts?: VolumeFacts; mounts?: MountEntry[] } = {}): Promise<VolumeInfo> {
  const stats = await statfs(destination, { bigint: false }).catch((err: unknown) => {
    throw fromSystemError(err, destination);
  });
  const freeBytes = stats.blocks > 0 ? stats.bavail * stats.bsize : null;
  if (process.platform === 'win32') {
    const root = resolve(destination).slice(0, 3);
    return windowsVolume(destination, root, await readHead(`\\\\.\\${root.slice(0, 2)}`), options.facts, { freeBytes, clusterBytes: stats.bsize });
  }
  const path = await realpath(destination).catch((err: unknown) => {
    throw fromSystemError(err, destination);
  });
  const mount = mountOf(path, options.mounts ?? (await readMounts()));
  if (!mount) throw new CmTsError('E_PATHNOTFOUND', `${destination} (no mounted volume)`);
  const base = { mountPoint: mount.mountPoint, freeBytes, clusterBytes: stats.bsize };
  // The source names a device or an image only when it is an absolute path (tmpfs, fusefat: free text).
  const head = mount.source.startsWith('/') ? await readHead(mount.source) : null;
  const fromHead = head && fileSystemFromBootSector(head);
  if (fromHead) return { ...base, ...(fromHead === 'FAT32' && freeBytes === null ? fat32FreeSpace(head) : {}), fileSystem: fromHead, evidence: 'boot-sector' };
  return { ...base, fileSystem: fileSystemFromOs(mount.fsType, stats.blocks), evidence: 'os' };
}

/**
 * A Windows volume: the file system from its boot sector when it could be read (elevated), with the
 * module's facts for the numbers when given; else from the facts alone (docs/usb.md "UFD on Windows").
 * Without either the file system is unknown, and the error says how to make it known.
 */
export function windowsVolume(destination: string, root: string, head: Uint8Array | null, facts: VolumeFacts | undefined, os: { freeBytes: number | null; clusterBytes: number }): VolumeInfo {
  const fromHead = head && fileSystemFromBootSector(head);
  if (fromHead) return { mountPoint: root, fileSystem: fromHead, evidence: 'boot-sector', freeBytes: facts?.freeBytes ?? os.freeBytes, clusterBytes: facts?.clusterBytes || os.clusterBytes };
  if (!facts) {
    throw new CmTsError('E_INVALIDARG', `${destination}: the volume's boot sector cannot be read without elevation; pass its facts from Get-Volume (the volume parameter, docs/protocol.md) or run elevated`);
  }
  if (facts.freeBytes > facts.sizeBytes) throw new CmTsError('E_INVALIDARG', `parameter volume: freeBytes ${facts.freeBytes} exceeds sizeBytes ${facts.sizeBytes}`);
  return { mountPoint: root, fileSystem: fileSystemFromOs(facts.fileSystem, 0), evidence: 'os', freeBytes: facts.freeBytes, clusterBytes: facts.clusterBytes || 4096 };
}

/**
 * Free space from the FAT32 FSInfo sector (fatgen103 "FAT32 FSInfo Sector Structure"), for mounts
 * whose statfs says nothing (fusefat reports 0 blocks). FSI_Free_Count is a hint the driver keeps;
 * 0xFFFFFFFF means unknown, and then the copy finds out.
 */
function fat32FreeSpace(head: Uint8Array): Partial<Pick<VolumeInfo, 'freeBytes' | 'clusterBytes'>> {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const bytesPerSector = view.getUint16(11, true);
  const clusterBytes = bytesPerSector * view.getUint8(13);
  const fsInfo = view.getUint16(48, true) * bytesPerSector;
  if (fsInfo === 0 || fsInfo + 512 > head.byteLength) return {};
  const valid = view.getUint32(fsInfo, true) === 0x41615252 && view.getUint32(fsInfo + 484, true) === 0x61417272;
  const freeClusters = view.getUint32(fsInfo + 488, true);
  return valid && freeClusters !== 0xffffffff ? { freeBytes: freeClusters * clusterBytes, clusterBytes } : {};
}

export interface CopyItem {
  readonly dirs: string[];
  readonly files: Array<{ path: string; node: TreeFile }>;
  readonly bytes: number;
}

/** The tree's folders and files (paths with `/`, the files written last at the end) and their total size. */
export function listTree(root: TreeDir): CopyItem {
  const dirs: string[] = [];
  const files: Array<{ path: string; node: TreeFile }> = [];
  let bytes = 0;
  const walk = (dir: TreeDir, prefix: string): void => {
    for (const child of dir.children) {
      const path = prefix ? `${prefix}/${child.name}` : child.name;
      if (child.kind === 'dir') {
        dirs.push(path);
        walk(child, path);
      } else {
        files.push({ path, node: child });
        bytes += child.source.sizeBytes;
      }
    }
  };
  walk(root, '');
  return { dirs, files: lastFilesLast(files, (f) => f.node), bytes };
}

/**
 * The checks before a UFD copy: the file system (UFD_FS_FAT16 / UFD_FS_UNKNOWN), a file over
 * 4 GiB − 1 on FAT32, and free space for the whole tree (each file rounded up to clusters, one
 * cluster per folder plus the directory entries) → PACKAGETOOLARGE with the package ID. Files
 * replaced on the volume are counted in full: the new copies exist beside the old ones until the end.
 */
export function checkVolume(volume: VolumeInfo, root: TreeDir, packageId = ''): void {
  if (volume.fileSystem === 'FAT12' || volume.fileSystem === 'FAT16') throw new CmTsError('CREATETSMEDIA_E_UFD_FS_FAT16', '', { fileSystem: volume.fileSystem, mountPoint: volume.mountPoint });
  if (volume.fileSystem !== 'FAT32' && volume.fileSystem !== 'NTFS') throw new CmTsError('CREATETSMEDIA_E_UFD_FS_UNKNOWN', '', { fileSystem: volume.fileSystem, mountPoint: volume.mountPoint });
  const { dirs, files } = listTree(root);
  const cluster = Math.max(512, volume.clusterBytes);
  let needed = (dirs.length + 1) * cluster + Math.ceil(((files.length + dirs.length) * 3 * 32) / cluster) * cluster;
  for (const f of files) {
    const size = f.node.source.sizeBytes;
    if (volume.fileSystem === 'FAT32' && size > maxFat32FileBytes) {
      throw new CmTsError('CREATETSMEDIA_E_PACKAGETOOLARGE', packageId, { reason: 'fat32-file-size', path: f.path, sizeBytes: size });
    }
    needed += Math.ceil(size / cluster) * cluster;
  }
  if (volume.freeBytes !== null && needed > volume.freeBytes) throw new CmTsError('CREATETSMEDIA_E_PACKAGETOOLARGE', packageId, { reason: 'free-space', neededBytes: needed, freeBytes: volume.freeBytes });
}

export interface CopyOptions {
  /** Detail of PACKAGETOOLARGE when the volume fills up during the copy. */
  packageId?: string;
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Told how to undo each phase before it starts, so the next run can undo a copy whose process was killed (Operation). */
  journal?: UndoJournal;
}

/** Short, so a temporary name fits FAT's 255-character limit whatever the final name's length. */
const tempName = (tag: string): string => `.cmts.${randomBytes(8).toString('hex')}.${tag}`;
const exists = (path: string): Promise<boolean> => lstat(path).then(() => true, (err: NodeJS.ErrnoException) => {
  if (err.code === 'ENOENT') return false;
  throw fromSystemError(err, path);
});

/**
 * The name an existing `path` has in its folder, to put the owner's file back under: FAT (and NTFS
 * on Windows) match names case-insensitively, so `bootmgr` finds the owner's `BOOTMGR`.
 */
async function nameOnVolume(path: string): Promise<string> {
  const name = basename(path);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  return join(dirname(path), names.includes(name) ? name : (names.find((n) => n.toUpperCase() === name.toUpperCase()) ?? name));
}

/** Moving a written file into place; `old` is an existing file of that name, set aside first. */
interface Move {
  temp: string;
  final: string;
  old: { path: string; owner: string } | null;
}

/** True when the step is done or has nothing to do (its path is gone). */
const undone = (step: Promise<unknown>): Promise<boolean> => step.then(() => true, (err: NodeJS.ErrnoException) => err.code === 'ENOENT');

/**
 * Copies the tree into `mountPoint` so that a failure or cancel leaves the volume as it was:
 * 1. folders that do not exist are created (and remembered);
 * 2. every file is written to a hidden temporary name in its final folder (`.cmts.<hex>.cmtsmedia-tmp`);
 * 3. only when all are written, each file is moved into place, file by file: an existing file of
 *    that name is first renamed aside (`.cmts.<hex>.cmtsmedia-old`), then the new one renamed in;
 * 4. the set-aside old files are deleted.
 * On failure or cancel in steps 1-3, the moves made so far are undone (old files renamed back),
 * temporary files and created folders are removed. Files on the volume that the media do not
 * contain are never touched. Cancel is honoured until step 3 starts; steps 3-4 are renames only.
 * The journal gets the undo of each of steps 1-3 in one write before that step starts (each undo
 * is harmless if its step never ran), and forgets them when the copy is complete or rolled back;
 * a kill during step 4 leaves set-aside files, which no sweep removes: they were the owner's.
 */
export async function copyTreeToVolume(root: TreeDir, mountPoint: string, options: CopyOptions = {}): Promise<{ bytesWritten: number; files: number }> {
  const { signal, journal } = options;
  const { dirs, files, bytes } = listTree(root);
  const copy: CopyState = {
    createdDirs: [],
    temps: files.map((f) => {
      const final = join(mountPoint, f.path);
      return { node: f.node, final, temp: join(dirname(final), tempName('cmtsmedia-tmp')) };
    }),
    committed: [],
  };
  try {
    signal?.throwIfAborted();
    await checkShapes(mountPoint, dirs, files);
    await createFolders(copy, mountPoint, dirs, journal);
    await writeTemporaryFiles(copy, bytes, options);
    signal?.throwIfAborted();
    await moveIntoPlace(copy, journal);
  } catch (err) {
    await rollBack(copy, journal);
    const error = fromSystemError(err, mountPoint);
    // The free-space estimate passed (or was unknown) but the volume filled up: the content does not fit.
    if (error.code === 'E_DISKFULL') throw new CmTsError('CREATETSMEDIA_E_PACKAGETOOLARGE', options.packageId ?? '', { reason: 'free-space', path: error.detail }, { cause: err });
    throw error;
  }
  const { createdDirs, temps, committed } = copy;
  journal?.forget([...createdDirs, ...temps.flatMap(({ temp, final }) => [temp, final]), ...committed.flatMap(({ old }) => (old ? [old.path] : []))]);
  for (const { old } of committed) if (old) await unlink(old.path).catch(() => undefined);
  options.onProgress?.(bytes, bytes);
  return { bytesWritten: bytes, files: files.length };
}

/** What a copy has done so far, for its undo. */
interface CopyState {
  readonly createdDirs: string[];
  readonly temps: ReadonlyArray<{ node: TreeFile; final: string; temp: string }>;
  readonly committed: Move[];
}

/** Refuses before writing anything when a file stands where a folder goes, or the reverse. */
async function checkShapes(mountPoint: string, dirs: readonly string[], files: CopyItem['files']): Promise<void> {
  for (const d of dirs) {
    const info = await lstat(join(mountPoint, d)).catch(() => null);
    if (info && !info.isDirectory()) throw new CmTsError('E_FILEEXISTS', `${join(mountPoint, d)} is a file; the media need a folder there`);
  }
  for (const f of files) {
    const info = await lstat(join(mountPoint, f.path)).catch(() => null);
    if (info?.isDirectory()) throw new CmTsError('E_FILEEXISTS', `${join(mountPoint, f.path)} is a folder; the media need a file there`);
  }
}

/** Step 1: the folders that do not exist yet, journalled first and remembered. */
async function createFolders(copy: CopyState, mountPoint: string, dirs: readonly string[], journal: UndoJournal | undefined): Promise<void> {
  const newDirs: string[] = [];
  for (const d of dirs) if (!(await exists(join(mountPoint, d)))) newDirs.push(join(mountPoint, d));
  journal?.add(newDirs.map((remove) => ({ remove })));
  for (const path of newDirs) {
    await mkdir(path).catch((err: unknown) => {
      throw fromSystemError(err, path);
    });
    copy.createdDirs.push(path);
  }
}

/** Step 2: every file to its temporary name, flushed; a source that changed size is SOURCECHANGED. */
async function writeTemporaryFiles(copy: CopyState, totalBytes: number, options: CopyOptions): Promise<void> {
  const { signal, onProgress } = options;
  options.journal?.add(copy.temps.map(({ temp }) => ({ remove: temp })));
  let done = 0;
  for (const { node, final, temp } of copy.temps) {
    signal?.throwIfAborted();
    const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644).catch((err: unknown) => {
      throw fromSystemError(err, final);
    });
    try {
      let written = 0;
      for await (const chunk of node.source.open(signal)) {
        let at = 0;
        while (at < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, at, chunk.length - at, written + at).catch((err: unknown) => {
            throw fromSystemError(err, final);
          });
          at += bytesWritten;
        }
        written += chunk.length;
        done += chunk.length;
        onProgress?.(done, totalBytes);
      }
      if (written !== node.source.sizeBytes) throw new CmTsError('CMTSMEDIA_E_SOURCECHANGED', node.source.origin);
      await handle.sync().catch((err: unknown) => {
        throw fromSystemError(err, final);
      });
    } finally {
      await handle.close();
    }
  }
}

/** Step 3: each file renamed into place, an existing one of that name set aside first. */
async function moveIntoPlace(copy: CopyState, journal: UndoJournal | undefined): Promise<void> {
  const moves: Move[] = [];
  for (const { temp, final } of copy.temps) {
    moves.push({ temp, final, old: (await exists(final)) ? { path: join(dirname(final), tempName('cmtsmedia-old')), owner: await nameOnVolume(final) } : null });
  }
  journal?.add(moves.map(({ final, old }) => (old ? { restore: old.path, to: old.owner } : { remove: final })));
  for (const move of moves) {
    if (move.old) await rename(move.old.owner, move.old.path);
    copy.committed.push(move);
    await rename(move.temp, move.final).catch((err: unknown) => {
      throw fromSystemError(err, move.final);
    });
  }
}

/** Undoes steps 1-3: moves reversed (old files renamed back), temporary files and created folders removed. */
async function rollBack(copy: CopyState, journal: UndoJournal | undefined): Promise<void> {
  const forget: string[] = [];
  for (const { final, old } of [...copy.committed].reverse()) {
    if (await undone(old ? rename(old.path, old.owner) : unlink(final))) forget.push(old?.path ?? final);
  }
  for (const { temp } of copy.temps) if (await undone(unlink(temp))) forget.push(temp);
  for (const dir of [...copy.createdDirs].reverse()) if (await undone(rmdir(dir))) forget.push(dir);
  journal?.forget(forget);
}

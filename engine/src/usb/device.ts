/**
 * Target disks for UFD+FORMAT: what a destination is (image file or disk), the facts about a disk,
 * and the safety rules. Facts come from lsblk's JSON and sysfs on Linux; on Windows the module
 * collects them with Get-Disk/Get-Partition and passes them in the request (docs/usb.md explains why
 * not drivelist: its native addon cannot be built for every target of the single executable).
 */
import { execFile } from 'node:child_process';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CmTsError, fromSystemError } from '../errors/index.js';
import { type MountEntry, readMounts } from './mounts.js';

/** A disk as the safety rules see it; the same shape on Linux (lsblk/sysfs) and Windows (Get-Disk). */
export interface DiskFacts {
  /** What is opened for writing: /dev/sdb, \\.\PhysicalDrive2. */
  path: string;
  sizeBytes: number;
  /** lsblk TYPE (disk, loop, part, …); Windows: 'disk'. */
  type: string;
  /** lsblk RM / Get-Disk: BusType USB or a removable media type. */
  removable: boolean;
  /** lsblk HOTPLUG. */
  hotplug: boolean;
  /** lsblk TRAN (usb, sata, nvme, …) / Get-Disk BusType, lower case; null when unknown. */
  transport: string | null;
  readOnly: boolean;
  model: string | null;
  /** Holds /, /boot or /boot/efi (Linux) / IsSystem or IsBoot (Windows). */
  systemDisk: boolean;
  /** Mount points (Linux) or drive letters (Windows) of the disk, its partitions and anything stacked on them. */
  mounted: string[];
}

export interface SafetyOptions {
  /** Loop devices count as removable (tests and CI, which have no USB sticks). Default false. */
  allowLoopDevices?: boolean;
}

/**
 * The rules, in order: never the system/boot disk (not even with -Force: the caller does not pass
 * force here at all), only removable or USB disks (RM, HOTPLUG or TRAN=usb; a loop device only
 * when allowed), nothing mounted, writable.
 */
export function checkDiskSafety(facts: DiskFacts, options: SafetyOptions = {}): void {
  const what = describeDisk(facts);
  if (facts.systemDisk) throw new CmTsError('CMTSMEDIA_E_SYSTEMDISK', what, { path: facts.path });
  if (facts.type === 'part') throw new CmTsError('E_INVALIDARG', `${facts.path} is a partition; give the whole disk`);
  const removable = facts.type === 'loop' ? options.allowLoopDevices === true : isRemovable(facts);
  if (!removable) throw new CmTsError('CMTSMEDIA_E_NOTREMOVABLE', what, { path: facts.path, type: facts.type, transport: facts.transport });
  if (facts.mounted.length > 0) throw new CmTsError('CMTSMEDIA_E_DISKINUSE', `${what}: ${facts.mounted.join(', ')}`, { path: facts.path, mounted: facts.mounted });
  if (facts.readOnly) throw new CmTsError('E_ACCESSDENIED', `${what} is read-only`);
}

/** Removable media, a hot-pluggable disk or a USB disk. */
export function isRemovable(facts: DiskFacts): boolean {
  return facts.removable || facts.hotplug || facts.transport === 'usb';
}

/** "/dev/sdb (SanDisk Ultra, 14.9 GiB)": for messages and the ShouldProcess prompt. */
export function describeDisk(facts: DiskFacts): string {
  return `${facts.path} (${[facts.model?.trim(), formatSize(facts.sizeBytes)].filter(Boolean).join(', ')})`;
}

// ---- Linux ---------------------------------------------------------------------------------------

/** What the Linux probe reads; tests inject fakes. */
export interface LinuxDeviceProbe {
  /** `lsblk -J -b -o NAME,PATH,TYPE,SIZE,RM,HOTPLUG,TRAN,MOUNTPOINTS,MODEL,PKNAME,RO` for all devices. */
  lsblk(): Promise<string>;
  mounts(): Promise<MountEntry[]>;
  /** Kernel names of the whole disks under a device number (follows partitions and dm/md slaves). */
  disksOf(majorMinor: string): Promise<string[]>;
}

export const lsblkColumns = 'NAME,PATH,TYPE,SIZE,RM,HOTPLUG,TRAN,MOUNTPOINTS,MODEL,PKNAME,RO';

interface LsblkNode {
  name: string;
  path?: string;
  type: string;
  size: number | string | null;
  rm?: boolean | string | null;
  hotplug?: boolean | string | null;
  tran?: string | null;
  mountpoints?: Array<string | null> | null;
  mountpoint?: string | null;
  model?: string | null;
  ro?: boolean | string | null;
  children?: LsblkNode[];
}

/** lsblk ≥ 2.37 writes JSON booleans; older versions "0"/"1" strings. */
const flag = (v: boolean | string | null | undefined): boolean => v === true || v === '1';

/** Mount points that make a disk the system disk. */
const systemMountPoints = new Set(['/', '/boot', '/boot/efi', '/efi', '/usr', '[SWAP]']);

export const defaultLinuxProbe: LinuxDeviceProbe = {
  lsblk: () =>
    new Promise((resolve, reject) =>
      execFile('lsblk', ['-J', '-b', '-o', lsblkColumns], { maxBuffer: 16 << 20 }, (err, stdout) => (err ? reject(fromSystemError(err, 'lsblk')) : resolve(stdout))),
    ),
  mounts: readMounts,
  async disksOf(majorMinor) {
    const out = new Set<string>();
    const walk = async (sysPath: string, depth: number): Promise<void> => {
      const real = await realpath(sysPath).catch(() => null);
      if (!real || depth > 8) return;
      const slaves = await readdir(join(real, 'slaves')).catch(() => [] as string[]);
      if (slaves.length > 0) {
        for (const s of slaves) await walk(join(real, 'slaves', s), depth + 1);
        return;
      }
      const isPartition = await stat(join(real, 'partition')).then(() => true, () => false);
      out.add(basename(isPartition ? dirname(real) : real));
    };
    await walk(`/sys/dev/block/${majorMinor}`, 0);
    return [...out];
  },
};

/** Facts about the Linux block device `path` (resolved through symlinks such as /dev/disk/by-id). */
export async function linuxDiskFacts(path: string, probe: LinuxDeviceProbe = defaultLinuxProbe): Promise<DiskFacts> {
  const [json, mounts] = await Promise.all([probe.lsblk(), probe.mounts()]);
  const devices = (JSON.parse(json) as { blockdevices: LsblkNode[] }).blockdevices;
  const resolved = await realpath(path).catch(() => path);
  const find = (nodes: LsblkNode[]): LsblkNode | undefined => {
    for (const n of nodes) {
      if (n.path === resolved || n.path === path || `/dev/${n.name}` === resolved) return n;
      const inner = find(n.children ?? []);
      if (inner) return inner;
    }
    return undefined;
  };
  const node = find(devices);
  if (!node) throw new CmTsError('E_FILENOTFOUND', `${path} (not a block device lsblk knows)`);
  const devPath = node.path ?? `/dev/${node.name}`;

  // Everything stacked on the disk: partitions, dm/crypt/lvm holders (lsblk nests them as children).
  const subtree: LsblkNode[] = [];
  const collect = (n: LsblkNode): void => {
    subtree.push(n);
    (n.children ?? []).forEach(collect);
  };
  collect(node);
  const lsblkMounts = subtree.flatMap((n) => [...(n.mountpoints ?? []), n.mountpoint ?? null]).filter((m): m is string => !!m);
  // A FUSE file system mounted from the device (ntfs-3g, fusefat -o fsname=…) appears only in mountinfo.
  const subtreePaths = new Set(subtree.map((n) => n.path ?? `/dev/${n.name}`));
  const sourceMounts = mounts.filter((m) => subtreePaths.has(m.source)).map((m) => m.mountPoint);
  const mounted = [...new Set([...lsblkMounts, ...sourceMounts])];

  const systemDisks = new Set<string>();
  for (const m of mounts) {
    if (systemMountPoints.has(m.mountPoint)) for (const d of await probe.disksOf(m.majorMinor)) systemDisks.add(d);
  }
  const systemDisk = systemDisks.has(node.name) || lsblkMounts.some((m) => systemMountPoints.has(m));

  const size = Number(node.size ?? 0);
  return {
    path: devPath,
    sizeBytes: size,
    type: node.type,
    removable: flag(node.rm),
    hotplug: flag(node.hotplug),
    transport: node.tran ? node.tran.toLowerCase() : null,
    readOnly: flag(node.ro),
    model: node.model?.trim() || null,
    systemDisk,
    mounted,
  };
}

// ---- Destination resolution ----------------------------------------------------------------------

export interface DiskTargetOptions extends SafetyOptions {
  /** Size of a new image file (an existing file keeps its size). */
  imageSizeBytes?: number;
  /** Windows: the disk's facts as the module read them (Get-Disk), for \\.\PhysicalDriveN or a drive letter. */
  disk?: DiskFacts;
  probe?: LinuxDeviceProbe;
}

export interface DiskTarget {
  path: string;
  kind: 'image' | 'device';
  sizeBytes: number;
  /** The checked facts of a device target. */
  facts?: DiskFacts;
  /** True when an image file exists already (replacing it needs -Force). */
  exists: boolean;
}

const windowsDiskPath = /^(\\\\\.\\PhysicalDrive\d+|[A-Za-z]:\\?)$/i;

/** A destination as the engine uses it: a Windows disk path as given (resolving `E:` would give E:'s current folder), anything else absolute. */
export function resolveDestinationPath(destination: string): string {
  return windowsDiskPath.test(destination) ? destination : resolve(destination);
}

/**
 * What a UFD+FORMAT destination is, with the safety rules applied to a disk: a Windows physical
 * drive or drive letter (facts from the module), a Linux block device, an existing image file, or a
 * new image file (imageSizeBytes required).
 */
export async function resolveDiskTarget(destination: string, options: DiskTargetOptions = {}): Promise<DiskTarget> {
  if (windowsDiskPath.test(destination) || options.disk) {
    const facts = options.disk;
    if (!facts) throw new CmTsError('E_INVALIDARG', `${destination}: the module must pass the disk's facts (Get-Disk) for a Windows disk`);
    checkDiskSafety(facts, options);
    return { path: facts.path, kind: 'device', sizeBytes: facts.sizeBytes, facts, exists: true };
  }
  const info = await stat(destination).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fromSystemError(err, destination);
  });
  if (info?.isBlockDevice()) {
    const facts = await linuxDiskFacts(destination, options.probe);
    checkDiskSafety(facts, options);
    return { path: facts.path, kind: 'device', sizeBytes: facts.sizeBytes, facts, exists: true };
  }
  if (info?.isFile()) return { path: destination, kind: 'image', sizeBytes: info.size, exists: true };
  if (info) throw new CmTsError('E_INVALIDARG', `${destination} is neither a disk nor a disk image file`);
  const size = options.imageSizeBytes;
  if (!size || !Number.isSafeInteger(size) || size <= 0) {
    throw new CmTsError('E_INVALIDARG', `${destination} does not exist; give the size of the new disk image (imageSizeBytes)`);
  }
  return { path: destination, kind: 'image', sizeBytes: size, exists: false };
}


/** What UFD+FORMAT will write to, for the ShouldProcess prompt (the describeDisk command). */
export interface DiskTargetDescription {
  kind: DiskTarget['kind'];
  path: string;
  sizeBytes: number;
  model: string | null;
  transport: string | null;
  removable: boolean;
  /** False only for a new image file. */
  exists: boolean;
  /** "/dev/sdc (SanDisk Ultra, 14.9 GiB)", "the 64.0 MiB disk image file /x/stick.img", "a new 4.0 GiB disk image file /x/new.img". */
  description: string;
}

/**
 * The describeDisk command: the destination resolved and checked exactly as a creation does it
 * (resolveDiskTarget), so a disk refused here is refused with the same typed error, before any prompt.
 */
export async function describeDiskTarget(destination: string, options: DiskTargetOptions = {}): Promise<DiskTargetDescription> {
  const target = await resolveDiskTarget(destination, options);
  const facts = target.facts;
  return {
    kind: target.kind,
    path: target.path,
    sizeBytes: target.sizeBytes,
    model: facts?.model ?? null,
    transport: facts?.transport ?? null,
    removable: facts ? isRemovable(facts) : false,
    exists: target.exists,
    description: facts ? describeDisk(facts) : `${target.exists ? 'the' : 'a new'} ${formatSize(target.sizeBytes)} disk image file ${target.path}`,
  };
}

/** "14.9 GiB", "64.0 MiB": binary units with one decimal, as Windows Explorer and lsblk show sizes. */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let unit = 0;
  while (unit < units.length - 1 && bytes >= 1024 ** (unit + 1)) unit++;
  return unit === 0 ? `${bytes} bytes` : `${(bytes / 1024 ** unit).toFixed(1)} ${units[unit]}`;
}

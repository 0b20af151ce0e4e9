/**
 * Reads a FAT32 volume back (fatgen103) with the writer's field tables: the boot sector, the first
 * FAT, directories with long names, and each file's cluster chain as byte extents. Bounded: a
 * chain that loops, leaves the volume or is shorter than its file, a directory reached twice, a
 * FAT12/16 volume are CMTSMEDIA_E_MEDIAUNREADABLE.
 */
import { unreadable, type MediaImage } from '../readback/image.js';
import { decodeOrUnreadable, WalkBudget, type Extent, type ReadFile, type ReadVolume } from '../readback/volume.js';
import { attr, dirEntry, dirEntryBytes, endOfChain, fat32BootSector, fatBpbCommon, lastLongEntry, longDirEntry, maxDirEntries, sectorBytes } from './structures.js';

const maxFatBytes = 256 << 20;
const firstEndOfChain = 0x0ffffff8;

interface Geometry {
  bytesPerSector: number;
  clusterBytes: number;
  clusterCount: number;
  /** Byte position of cluster 2 in the image. */
  dataPosition: number;
}

export async function readFatVolume(image: MediaImage, partitionPosition: number): Promise<ReadVolume> {
  const bad = (why: string) => unreadable(`${image.path}: FAT volume at byte ${partitionPosition}: ${why}`);
  const boot = await image.read(partitionPosition, sectorBytes);
  if (boot[510] !== 0x55 || boot[511] !== 0xaa) throw bad('no boot sector signature');
  const bpb = fatBpbCommon.decode(boot);
  const bps = bpb.BPB_BytsPerSec;
  if (![512, 1024, 2048, 4096].includes(bps) || ![1, 2, 4, 8, 16, 32, 64, 128].includes(bpb.BPB_SecPerClus) || bpb.BPB_NumFATs < 1 || bpb.BPB_RsvdSecCnt < 1) {
    throw bad('not a FAT boot sector');
  }
  if (bpb.BPB_RootEntCnt !== 0 || bpb.BPB_FATSz16 !== 0) throw bad('FAT12/FAT16; boot media use FAT32');
  const fat32 = fat32BootSector.decode(boot);
  const fatPosition = partitionPosition + bpb.BPB_RsvdSecCnt * bps;
  const dataSectors = bpb.BPB_TotSec32 - bpb.BPB_RsvdSecCnt - bpb.BPB_NumFATs * fat32.BPB_FATSz32;
  const geometry: Geometry = {
    bytesPerSector: bps,
    clusterBytes: bps * bpb.BPB_SecPerClus,
    clusterCount: Math.floor(dataSectors / bpb.BPB_SecPerClus),
    dataPosition: fatPosition + bpb.BPB_NumFATs * fat32.BPB_FATSz32 * bps,
  };
  if (dataSectors <= 0 || partitionPosition + bpb.BPB_TotSec32 * bps > image.sizeBytes) throw bad(`${bpb.BPB_TotSec32} sectors do not fit the ${image.sizeBytes}-byte image`);
  const fatBytes = (geometry.clusterCount + 2) * 4;
  if (fatBytes > maxFatBytes || fatBytes > fat32.BPB_FATSz32 * bps) throw bad(`a FAT of ${fat32.BPB_FATSz32} sectors for ${geometry.clusterCount} clusters`);
  const fat = await image.read(fatPosition, fatBytes);
  const view = new DataView(fat.buffer, fat.byteOffset, fat.byteLength);
  const chain = (first: number, minClusters: number, what: string): Extent[] => followChain(view, geometry, first, minClusters, (why) => bad(`${what}: ${why}`));
  const files = await walk(image, geometry, chain, fat32.BPB_RootClus);
  return { fileSystem: 'FAT32', label: fat32.BS_VolLab.trim(), files };
}

/** A cluster chain as byte extents (adjacent clusters merged); at least minClusters long. */
function followChain(fat: DataView, g: Geometry, first: number, minClusters: number, bad: (why: string) => Error): Extent[] {
  const extents: Array<{ position: number; length: number }> = [];
  let cluster = first;
  for (let steps = 0; ; steps++) {
    if (cluster < 2 || cluster > g.clusterCount + 1) throw bad(`cluster ${cluster} is outside the volume`);
    if (steps > g.clusterCount) throw bad('the cluster chain loops');
    const position = g.dataPosition + (cluster - 2) * g.clusterBytes;
    const last = extents[extents.length - 1];
    if (last && last.position + last.length === position) last.length += g.clusterBytes;
    else extents.push({ position, length: g.clusterBytes });
    const next = fat.getUint32(cluster * 4, true) & endOfChain;
    if (next >= firstEndOfChain) {
      if (steps + 1 < minClusters) throw bad(`the chain ends after ${steps + 1} of ${minClusters} clusters`);
      return extents;
    }
    cluster = next;
  }
}

/** Cuts extents to the first `bytes` bytes (a file's last cluster is partly used). */
function take(extents: Extent[], bytes: number): Extent[] {
  const out: Extent[] = [];
  let left = bytes;
  for (const e of extents) {
    if (left <= 0) break;
    out.push({ position: e.position, length: Math.min(e.length, left) });
    left -= e.length;
  }
  return out;
}

type Chain = (first: number, minClusters: number, what: string) => Extent[];

async function walk(image: MediaImage, g: Geometry, chain: Chain, rootCluster: number): Promise<ReadFile[]> {
  const budget = new WalkBudget(image.path);
  const seen = new Set<number>();
  const files: ReadFile[] = [];
  const queue: Array<{ cluster: number; path: string; depth: number }> = [{ cluster: rootCluster, path: '', depth: 0 }];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir.cluster)) throw unreadable(`${image.path}: the FAT directory at cluster ${dir.cluster} is reached twice (a loop)`);
    seen.add(dir.cluster);
    const extents = chain(dir.cluster, 1, `folder ${dir.path || '\\'}`);
    const sizeBytes = extents.reduce((n, e) => n + e.length, 0);
    if (sizeBytes > maxDirEntries * dirEntryBytes) throw unreadable(`${image.path}: folder ${dir.path || '\\'} is larger than FAT allows`);
    const bytes = new Uint8Array(sizeBytes);
    let at = 0;
    for (const e of extents) {
      await image.read(e.position, e.length, bytes.subarray(at, at + e.length));
      at += e.length;
    }
    for (const entry of parseDirectory(bytes)) {
      budget.entry(dir.depth + 1);
      const path = dir.path ? `${dir.path}\\${entry.name}` : entry.name;
      if (entry.directory) queue.push({ cluster: entry.firstCluster, path, depth: dir.depth + 1 });
      else files.push({ path, sizeBytes: entry.sizeBytes, extents: entry.sizeBytes === 0 ? [] : take(chain(entry.firstCluster, Math.ceil(entry.sizeBytes / g.clusterBytes), path), entry.sizeBytes) });
    }
  }
  return files;
}

interface Entry {
  name: string;
  directory: boolean;
  firstCluster: number;
  sizeBytes: number;
}

/** fatgen103 "FAT Long Directory Entries": the checksum of the short name the long entries belong to. */
function shortNameChecksum(name: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + name[i]!) & 0xff;
  return sum;
}

function parseDirectory(bytes: Uint8Array): Entry[] {
  const entries: Entry[] = [];
  let long: { checksum: number; parts: string[] } | null = null;
  for (let at = 0; at + dirEntryBytes <= bytes.length; at += dirEntryBytes) {
    const first = bytes[at]!;
    if (first === 0x00) break; // fatgen103: no entries follow
    if (first === 0xe5) {
      long = null;
      continue;
    }
    if ((bytes[at + 11]! & 0x3f) === attr.longName) {
      const l = longDirEntry.decode(bytes, at);
      const part = ucs2le([l.LDIR_Name1, l.LDIR_Name2, l.LDIR_Name3]);
      if (l.LDIR_Ord & lastLongEntry) long = { checksum: l.LDIR_Chksum, parts: [part] };
      else if (long && long.checksum === l.LDIR_Chksum) long.parts.unshift(part);
      else long = null;
      continue;
    }
    const e = decodeOrUnreadable('FAT directory entry', () => dirEntry.decode(bytes, at));
    const longName: string | null = long && long.checksum === shortNameChecksum(e.DIR_Name) ? long.parts.join('') : null;
    long = null;
    if (e.DIR_Attr & attr.volumeId) continue;
    const short = shortName(e.DIR_Name, bytes[at + 12]!);
    if (short === '.' || short === '..') continue;
    entries.push({ name: longName ?? short, directory: (e.DIR_Attr & attr.directory) !== 0, firstCluster: e.DIR_FstClusHI * 0x10000 + e.DIR_FstClusLO, sizeBytes: e.DIR_FileSize });
  }
  return entries;
}

/** UCS-2LE pieces of a long entry up to the NUL (0xFFFF pads after it). */
function ucs2le(pieces: Uint8Array[]): string {
  let text = '';
  for (const piece of pieces) {
    for (let i = 0; i + 1 < piece.length; i += 2) {
      const c = piece[i]! | (piece[i + 1]! << 8);
      if (c === 0) return text;
      if (c !== 0xffff) text += String.fromCharCode(c);
    }
  }
  return text;
}

/** 8.3 name; DIR_NTRes 0x08/0x10 = base/extension in lower case (Windows NT). */
function shortName(name: Uint8Array, ntRes: number): string {
  let base = String.fromCharCode(...name.subarray(0, 8)).trimEnd();
  let ext = String.fromCharCode(...name.subarray(8, 11)).trimEnd();
  if (base.charCodeAt(0) === 0x05) base = '\u00e5' + base.slice(1);
  if (ntRes & 0x08) base = base.toLowerCase();
  if (ntRes & 0x10) ext = ext.toLowerCase();
  return ext ? `${base}.${ext}` : base;
}

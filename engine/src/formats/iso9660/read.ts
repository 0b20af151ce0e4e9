/**
 * Reads an ISO 9660 image back (ECMA-119; Joliet when present): volume descriptors, the directory
 * tree, file extents (multi-extent files included) and the El Torito boot record's catalog LBA.
 * The same field tables as the writer (structures.ts) decode every structure. Bounded: a directory
 * seen twice (a loop), a record that overruns its sector, an extent past the image end are
 * CMTSMEDIA_E_MEDIAUNREADABLE.
 */
import { bootRecordVolumeDescriptor } from '../eltorito/index.js';
import { supplementaryVolumeDescriptor } from '../joliet/index.js';
import { unreadable, type MediaImage } from '../readback/image.js';
import { decodeOrUnreadable, readLimits, WalkBudget, type Extent, type ReadFile, type ReadVolume } from '../readback/volume.js';
import { directoryRecord, directoryRecordFixedBytes, fileFlags, primaryVolumeDescriptor, sectorBytes, systemAreaSectors, volumeDescriptorType } from './structures.js';

export interface IsoReadVolume extends ReadVolume {
  /** LBA of the El Torito boot catalog, or null without a boot record. */
  readonly bootCatalogLba: number | null;
}

const maxDescriptors = 64;
const cd001 = [0x43, 0x44, 0x30, 0x30, 0x31];

/** True when the image has an ISO 9660 volume descriptor at LBA 16. */
export async function looksLikeIso(image: MediaImage): Promise<boolean> {
  if (image.sizeBytes < (systemAreaSectors + 1) * sectorBytes) return false;
  const head = await image.read(systemAreaSectors * sectorBytes, 6);
  return cd001.every((c, i) => head[i + 1] === c);
}

export async function readIsoVolume(image: MediaImage): Promise<IsoReadVolume> {
  let primary: Uint8Array | null = null;
  let joliet: Uint8Array | null = null;
  let bootCatalogLba: number | null = null;
  for (let i = 0; ; i++) {
    if (i >= maxDescriptors) throw unreadable(`${image.path}: no volume descriptor set terminator in ${maxDescriptors} sectors`);
    const sector = await image.read((systemAreaSectors + i) * sectorBytes, sectorBytes);
    if (!cd001.every((c, k) => sector[k + 1] === c)) throw unreadable(`${image.path}: sector ${systemAreaSectors + i} is not an ISO 9660 volume descriptor`);
    const type = sector[0];
    if (type === volumeDescriptorType.terminator) break;
    if (type === volumeDescriptorType.primary) primary ??= sector;
    // Joliet: escape sequence %/@, %/C or %/E (levels 1-3)
    if (type === volumeDescriptorType.supplementary && sector[88] === 0x25 && sector[89] === 0x2f && [0x40, 0x43, 0x45].includes(sector[90]!)) joliet ??= sector;
    if (type === volumeDescriptorType.boot && new TextDecoder().decode(sector.subarray(7, 30)) === 'EL TORITO SPECIFICATION') {
      bootCatalogLba = bootRecordVolumeDescriptor.decode(sector).bootCatalogLba;
    }
  }
  if (!primary) throw unreadable(`${image.path}: no primary volume descriptor`);
  const pvd = decodeOrUnreadable('primary volume descriptor', () => primaryVolumeDescriptor.decode(primary));
  if (pvd.logicalBlockSize !== sectorBytes) throw unreadable(`${image.path}: logical block size ${pvd.logicalBlockSize}, not ${sectorBytes}`);
  const svd = joliet ? decodeOrUnreadable('Joliet volume descriptor', () => supplementaryVolumeDescriptor.decode(joliet)) : null;
  const root = (svd ?? pvd).rootDirectoryRecord;
  const files = await walk(image, root, svd !== null);
  return { fileSystem: svd ? 'ISO 9660 + Joliet' : 'ISO 9660', label: (svd ?? pvd).volumeIdentifier, files, bootCatalogLba };
}

interface DirRecord {
  name: string;
  directory: boolean;
  notFinal: boolean;
  extent: Extent;
}

/** The records of one directory extent, `.` and `..` left out. */
function parseDirectory(bytes: Uint8Array, lba: number, joliet: boolean, image: MediaImage): DirRecord[] {
  const records: DirRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = bytes[at]!;
    if (length === 0) {
      at = (Math.floor(at / sectorBytes) + 1) * sectorBytes; // ECMA-119 6.8.1.1: the rest of the sector is padding
      continue;
    }
    if (length < directoryRecordFixedBytes + 1 || at + length > bytes.length || Math.floor(at / sectorBytes) !== Math.floor((at + length - 1) / sectorBytes)) {
      throw unreadable(`${image.path}: directory at LBA ${lba} has a bad record at byte ${at}`);
    }
    const r = decodeOrUnreadable(`directory record at LBA ${lba}+${at}`, () => directoryRecord.decode(bytes, at));
    const idEnd = at + directoryRecordFixedBytes + r.lengthOfFileIdentifier;
    if (r.lengthOfFileIdentifier === 0 || idEnd > at + length) throw unreadable(`${image.path}: directory at LBA ${lba} has a record whose name overruns it`);
    const id = bytes.subarray(at + directoryRecordFixedBytes, idEnd);
    at += length;
    if (id.length === 1 && id[0]! <= 1) continue;
    const position = r.locationOfExtent * sectorBytes;
    if (position + r.dataLength > image.sizeBytes) throw unreadable(`${image.path}: an extent at LBA ${r.locationOfExtent} of ${r.dataLength} bytes ends past the image`);
    records.push({ name: decodeName(id, joliet), directory: (r.fileFlags & fileFlags.directory) !== 0, notFinal: (r.fileFlags & fileFlags.notFinal) !== 0, extent: { position, length: r.dataLength } });
  }
  return records;
}

function decodeName(id: Uint8Array, joliet: boolean): string {
  let name = '';
  if (joliet) for (let i = 0; i + 1 < id.length; i += 2) name += String.fromCharCode((id[i]! << 8) | id[i + 1]!);
  else name = String.fromCharCode(...id);
  // ECMA-119 7.5: FILE.EXT;1 → FILE.EXT; a name without extension keeps no trailing dot
  return name.replace(/;\d+$/, '').replace(/\.$/, '');
}

async function walk(image: MediaImage, rootRecord: Uint8Array, joliet: boolean): Promise<ReadFile[]> {
  const root = decodeOrUnreadable('root directory record', () => directoryRecord.decode(rootRecord));
  const budget = new WalkBudget(image.path);
  const seen = new Set<number>();
  const files: ReadFile[] = [];
  const queue: Array<{ lba: number; length: number; path: string; depth: number }> = [{ lba: root.locationOfExtent, length: root.dataLength, path: '', depth: 0 }];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir.lba)) throw unreadable(`${image.path}: the directory at LBA ${dir.lba} is reached twice (a loop)`);
    seen.add(dir.lba);
    if (dir.length > readLimits.maxDirectoryBytes) throw unreadable(`${image.path}: a directory of ${dir.length} bytes`);
    const bytes = await image.read(dir.lba * sectorBytes, dir.length);
    let pending: { path: string; extents: Extent[] } | null = null;
    for (const r of parseDirectory(bytes, dir.lba, joliet, image)) {
      budget.entry(dir.depth + 1);
      const path = dir.path ? `${dir.path}\\${r.name}` : r.name;
      if (r.directory) {
        queue.push({ lba: r.extent.position / sectorBytes, length: r.extent.length, path, depth: dir.depth + 1 });
        continue;
      }
      // ECMA-119 6.5.1: the extents of one file are consecutive records of the same name, all but the last flagged
      if (pending && pending.path === path) pending.extents.push(r.extent);
      else pending = { path, extents: [r.extent] };
      if (!r.notFinal) {
        files.push({ path, sizeBytes: pending.extents.reduce((n, e) => n + e.length, 0), extents: pending.extents });
        pending = null;
      }
    }
    if (pending) throw unreadable(`${image.path}: the last extent of ${pending.path} is missing`);
  }
  return files;
}

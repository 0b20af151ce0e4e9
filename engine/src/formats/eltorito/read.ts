/**
 * Reads the El Torito boot catalog (El Torito 1.0 §2) with the writer's field tables: the
 * validation entry (checksum and 55 AA key checked), the default entry, and the section headers
 * with their entries. A catalog that does not check out is CMTSMEDIA_E_MEDIAUNREADABLE.
 */
import { sectorBytes } from '../iso9660/structures.js';
import { unreadable, type MediaImage } from '../readback/image.js';
import { initialEntry, platformId, sectionEntry, sectionHeader, validationEntry } from './index.js';

export interface BootEntry {
  /** 0x00 x86 BIOS, 0xEF UEFI (El Torito platform ID). */
  readonly platform: number;
  readonly bootable: boolean;
  readonly loadRba: number;
  readonly sectorCount: number;
}

const bootable = 0x88;
const moreHeaders = 0x90;
const finalHeader = 0x91;

export async function readBootCatalog(image: MediaImage, catalogLba: number): Promise<BootEntry[]> {
  const bad = (why: string) => unreadable(`${image.path}: El Torito boot catalog at LBA ${catalogLba}: ${why}`);
  if ((catalogLba + 1) * sectorBytes > image.sizeBytes) throw bad('past the end of the image');
  const sector = await image.read(catalogLba * sectorBytes, sectorBytes);
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + sector[i]! + (sector[i + 1]! << 8)) & 0xffff;
  if (sector[0] !== 1 || sector[30] !== 0x55 || sector[31] !== 0xaa || sum !== 0) throw bad('the validation entry does not check out');
  const validation = validationEntry.decode(sector, 0);
  const entries: BootEntry[] = [];
  const add = (platform: number, e: { bootIndicator: number; loadRba: number; sectorCount: number }): void => {
    if (e.loadRba * sectorBytes >= image.sizeBytes) throw bad(`a boot image at RBA ${e.loadRba} is past the end`);
    entries.push({ platform, bootable: e.bootIndicator === bootable, loadRba: e.loadRba, sectorCount: e.sectorCount });
  };
  add(validation.platformId, initialEntry.decode(sector, 32));
  // sections follow until the final header; 64 entries of 32 bytes fill the sector, which bounds the walk
  let at = 64;
  while (at + 32 <= sectorBytes && (sector[at] === moreHeaders || sector[at] === finalHeader)) {
    const header = sectionHeader.decode(sector, at);
    at += 32;
    if (at + 32 * header.sectionEntries > sectorBytes) throw bad(`a section of ${header.sectionEntries} entries overruns the catalog`);
    for (let i = 0; i < header.sectionEntries; i++, at += 32) add(header.platformId, sectionEntry.decode(sector, at));
    if (header.headerIndicator === finalHeader) break;
  }
  return entries;
}

export const isUefiEntry = (e: BootEntry): boolean => e.platform === platformId.efi;
export const isBiosEntry = (e: BootEntry): boolean => e.platform === platformId.x86;

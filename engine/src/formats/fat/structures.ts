/**
 * FAT32 on-disk structures as field tables, in the names of Microsoft's FAT specification
 * ("Microsoft Extensible Firmware Initiative FAT32 File System Specification", fatgen103, 2000).
 */
import { bytes, chars, type Codec, fixed, reserved, table, u16le, u32le, u8 } from '../binary/index.js';

export const sectorBytes = 512;
export const dirEntryBytes = 32;
/** fatgen103 "FAT Type Determination": the type follows from the cluster count alone. */
export const minFat32Clusters = 65525;
/** Cluster numbers are 28 bits; 0x0FFFFFF7 marks a bad cluster, so the last usable one is 0x0FFFFFF6. */
export const maxFat32Clusters = 0x0ffffff6 - 1;
/** End-of-chain mark written by Windows and mkfs.fat. */
export const endOfChain = 0x0fffffff;
/** fatgen103 "FAT Directory Structure": a directory holds at most 65 536 entries (2 MiB). */
export const maxDirEntries = 65536;
export const mediaFixedDisk = 0xf8;

export const attr = { readOnly: 0x01, hidden: 0x02, system: 0x04, volumeId: 0x08, directory: 0x10, archive: 0x20, longName: 0x0f } as const;

/** 8-bit OEM text (the BPB's names); the alphabet is checked by the name mapping, not here. */
const oem = (n: number): Codec<string> => chars(n, null);

/** fatgen103 "Boot Sector and BPB Structure" (common part) + "FAT32 Structure Starting at Offset 36". */
export const fat32BootSector = table('fat32BootSector', sectorBytes, {
  BS_jmpBoot: [0, fixed(bytes(3), Uint8Array.of(0xeb, 0x58, 0x90))],
  BS_OEMName: [3, oem(8)],
  BPB_BytsPerSec: [11, u16le],
  BPB_SecPerClus: [13, u8],
  BPB_RsvdSecCnt: [14, u16le],
  BPB_NumFATs: [16, u8],
  BPB_RootEntCnt: [17, fixed(u16le, 0)],
  BPB_TotSec16: [19, fixed(u16le, 0)],
  BPB_Media: [21, u8],
  BPB_FATSz16: [22, fixed(u16le, 0)],
  BPB_SecPerTrk: [24, u16le],
  BPB_NumHeads: [26, u16le],
  BPB_HiddSec: [28, u32le],
  BPB_TotSec32: [32, u32le],
  BPB_FATSz32: [36, u32le],
  BPB_ExtFlags: [40, u16le],
  BPB_FSVer: [42, fixed(u16le, 0)],
  BPB_RootClus: [44, u32le],
  BPB_FSInfo: [48, u16le],
  BPB_BkBootSec: [50, u16le],
  BPB_Reserved: [52, reserved(12)],
  BS_DrvNum: [64, u8],
  BS_Reserved1: [65, reserved(1)],
  BS_BootSig: [66, fixed(u8, 0x29)],
  BS_VolID: [67, u32le],
  BS_VolLab: [71, oem(11)],
  BS_FilSysType: [82, fixed(oem(8), 'FAT32   ')],
  BootCode: [90, bytes(420)],
  Signature_word: [510, fixed(u16le, 0xaa55)],
});

/** The common BPB fields as a reader needs them to classify any FAT volume (FAT12/16/32). */
export const fatBpbCommon = table('fatBpbCommon', 36, {
  BS_jmpBoot: [0, bytes(3)],
  BS_OEMName: [3, bytes(8)],
  BPB_BytsPerSec: [11, u16le],
  BPB_SecPerClus: [13, u8],
  BPB_RsvdSecCnt: [14, u16le],
  BPB_NumFATs: [16, u8],
  BPB_RootEntCnt: [17, u16le],
  BPB_TotSec16: [19, u16le],
  BPB_Media: [21, u8],
  BPB_FATSz16: [22, u16le],
  BPB_SecPerTrk: [24, u16le],
  BPB_NumHeads: [26, u16le],
  BPB_HiddSec: [28, u32le],
  BPB_TotSec32: [32, u32le],
});

/** fatgen103 "FAT32 FSInfo Sector Structure and Backup Boot Sector". */
export const fsInfoSector = table('fsInfoSector', sectorBytes, {
  FSI_LeadSig: [0, fixed(u32le, 0x41615252)],
  FSI_Reserved1: [4, reserved(480)],
  FSI_StrucSig: [484, fixed(u32le, 0x61417272)],
  FSI_Free_Count: [488, u32le],
  FSI_Nxt_Free: [492, u32le],
  FSI_Reserved2: [496, reserved(12)],
  FSI_TrailSig: [508, fixed(u32le, 0xaa550000)],
});

/** fatgen103 "FAT 32 Byte Directory Entry Structure". Times are FAT date/time words (see fatDate). */
export const dirEntry = table('dirEntry', dirEntryBytes, {
  DIR_Name: [0, bytes(11)],
  DIR_Attr: [11, u8],
  DIR_NTRes: [12, fixed(u8, 0)],
  DIR_CrtTimeTenth: [13, u8],
  DIR_CrtTime: [14, u16le],
  DIR_CrtDate: [16, u16le],
  DIR_LstAccDate: [18, u16le],
  DIR_FstClusHI: [20, u16le],
  DIR_WrtTime: [22, u16le],
  DIR_WrtDate: [24, u16le],
  DIR_FstClusLO: [26, u16le],
  DIR_FileSize: [28, u32le],
});

/** fatgen103 "FAT Long Directory Entries": 13 UCS-2 characters in three pieces. */
export const longDirEntry = table('longDirEntry', dirEntryBytes, {
  LDIR_Ord: [0, u8],
  LDIR_Name1: [1, bytes(10)],
  LDIR_Attr: [11, fixed(u8, attr.longName)],
  LDIR_Type: [12, fixed(u8, 0)],
  LDIR_Chksum: [13, u8],
  LDIR_Name2: [14, bytes(12)],
  LDIR_FstClusLO: [26, fixed(u16le, 0)],
  LDIR_Name3: [28, bytes(4)],
});
/** LDIR_Ord of the entry that holds a name's last characters (it is stored first). */
export const lastLongEntry = 0x40;

/**
 * fatgen103 "Date and Time Formats": date = (year − 1980) << 9 | month << 5 | day, time = hour << 11 |
 * minute << 5 | seconds / 2. FAT has no time zone; CmTsMedia writes UTC (as mtools with SOURCE_DATE_EPOCH).
 * Dates outside 1980-2107 are clamped to the ends of the range.
 */
export function fatDateTime(when: Date): { date: number; time: number; tenths: number } {
  const ms = Math.min(Math.max(when.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58));
  const d = new Date(ms);
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    // DIR_CrtTimeTenth: 0-199 tenths of a second, the odd second plus milliseconds
    tenths: (d.getUTCSeconds() % 2) * 100 + Math.floor(d.getUTCMilliseconds() / 10),
  };
}

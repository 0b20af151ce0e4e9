/**
 * The classic MBR partition table (sector 0 of a disk), as UEFI 2.11 §5.2.1 "Legacy Master Boot
 * Record" describes it. CmTsMedia writes one active partition; the bootstrap code is the project's
 * own (build/bootcode/mbr.asm, bytes in boot-code.ts): it loads the active partition's first sector
 * under BIOS (docs/usb.md "BIOS boot"). UEFI ignores it.
 */
import { bytes, type Codec, fixed, table, type TableValues, u16le, u32le, u8 } from '../binary/index.js';
import { mbrBootCode } from './boot-code.js';

export { fat32BootSectorCode, fat32BootStage2, mbrBootCode } from './boot-code.js';

export const mbrSectorBytes = 512;

/** Partition types used here (the de-facto registry; 0x0C = FAT32 with LBA addressing). */
export const partitionType = { empty: 0x00, fat32Lba: 0x0c } as const;
/** BootIndicator: 0x80 = active (legacy BIOS boot code looks for it; UEFI ignores it). */
export const activeFlag = 0x80;

/** A CHS address as the table stores it: head, sector | cylinder bits 8-9, cylinder bits 0-7. */
const chs: Codec<number> = {
  sizeBytes: 3,
  encode(t, o, lba) {
    // Geometry 255 heads x 63 sectors (what every partitioning tool assumes); beyond
    // cylinder 1023 the field saturates at FE FF FF and firmware uses the LBA fields.
    const sectorsPerTrack = 63;
    const heads = 255;
    const cylinder = Math.floor(lba / (sectorsPerTrack * heads));
    if (cylinder > 1023) {
      t.set([0xfe, 0xff, 0xff], o);
      return;
    }
    const head = Math.floor(lba / sectorsPerTrack) % heads;
    const sector = (lba % sectorsPerTrack) + 1;
    t[o] = head;
    t[o + 1] = sector | ((cylinder >> 2) & 0xc0);
    t[o + 2] = cylinder & 0xff;
  },
  decode() {
    return 0;
  },
};

/** UEFI 2.11 Table 5.2 "Legacy MBR Partition Record". CHS fields are derived from the LBA fields. */
export const partitionRecord = table('mbrPartitionRecord', 16, {
  BootIndicator: [0, u8],
  StartingCHS: [1, chs],
  OSType: [4, u8],
  EndingCHS: [5, chs],
  StartingLBA: [8, u32le],
  SizeInLBA: [12, u32le],
});

/** UEFI 2.11 Table 5.1 "Legacy MBR". */
export const masterBootRecord = table('masterBootRecord', mbrSectorBytes, {
  BootCode: [0, bytes(440)],
  UniqueMBRDiskSignature: [440, u32le],
  Unknown: [444, fixed(u16le, 0)],
  PartitionRecord: [446, bytes(64)],
  Signature: [510, fixed(u16le, 0xaa55)],
});

export interface MbrPartition {
  startLba: number;
  sectors: number;
  type: number;
  active: boolean;
}

/** Sector 0 with up to four primary partitions. */
export function mbrBytes(partitions: readonly MbrPartition[], diskSignature: number): Uint8Array {
  const records = new Uint8Array(64);
  partitions.forEach((p, i) => {
    const values: TableValues<typeof partitionRecord.fields> = {
      BootIndicator: p.active ? activeFlag : 0,
      StartingCHS: p.startLba,
      OSType: p.type,
      EndingCHS: p.startLba + p.sectors - 1,
      StartingLBA: p.startLba,
      SizeInLBA: p.sectors,
    };
    partitionRecord.encode(values, records, i * partitionRecord.sizeBytes);
  });
  return masterBootRecord.toBytes({ BootCode: mbrBootCode, UniqueMBRDiskSignature: diskSignature, PartitionRecord: records });
}

/** Reads the MBR partition table (UEFI 2.11 §5.2.1) with the writer's field tables. */
import { unreadable, type MediaImage } from '../readback/image.js';
import { activeFlag, masterBootRecord, mbrSectorBytes, partitionRecord, partitionType, type MbrPartition } from './index.js';

/** The partitions of sector 0, or null when it carries no MBR signature (a superfloppy or not a disk). */
export async function readMbr(image: MediaImage): Promise<{ diskSignature: number; partitions: MbrPartition[] } | null> {
  if (image.sizeBytes < mbrSectorBytes) throw unreadable(`${image.path}: ${image.sizeBytes} bytes are no disk`);
  const sector = await image.read(0, mbrSectorBytes);
  if (sector[510] !== 0x55 || sector[511] !== 0xaa) return null;
  const mbr = masterBootRecord.decode(sector);
  const partitions: MbrPartition[] = [];
  for (let i = 0; i < 4; i++) {
    const p = partitionRecord.decode(mbr.PartitionRecord, i * partitionRecord.sizeBytes);
    if (p.OSType === partitionType.empty || p.SizeInLBA === 0) continue;
    partitions.push({ startLba: p.StartingLBA, sectors: p.SizeInLBA, type: p.OSType, active: p.BootIndicator === activeFlag });
  }
  return { diskSignature: mbr.UniqueMBRDiskSignature, partitions };
}

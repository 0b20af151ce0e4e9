/**
 * The UFD+FORMAT writer: streams a FatDiskPlan front to back through the sequential sink (two
 * fixed buffers), so memory does not depend on the content. It writes the partition gap, the
 * reserved sectors, both FATs (whole: free entries are zeroed), the directories and the file data,
 * and stops after the last used cluster: free space is never written.
 *
 * Sector 0 is written as zeros first; the real MBR is handed back as the output's head, which the
 * output layer writes only after everything else is on the disk and flushed
 * (output/write-output.ts): a failed or canceled write leaves a disk without a partition table,
 * never a volume that looks valid but is half written.
 */
import { CmTsError } from '../../errors/index.js';
import type { SequentialSink } from '../binary/index.js';
import { copySourceToSink } from '../sources.js';
import { fat32BootSectorCode, fat32BootStage2, mbrBytes, partitionType } from '../mbr/index.js';
import { encodeLongEntries, longEntryCount, maxLongNameChars, shortNameChecksum } from './names.js';
import { backupBootSectorIndex, bootCodeSectorIndex, type DirEntryPlan, type FatDirPlan, type FatDiskPlan, type FatFilePlan, fsInfoSectorIndex, numFats } from './plan.js';
import { attr, dirEntry, dirEntryBytes, endOfChain, fat32BootSector, fatDateTime, fsInfoSector, mediaFixedDisk, sectorBytes } from './structures.js';

const fatBlockEntries = 16384;

/**
 * Writes the disk from byte 0 to the plan's endOfDataBytes, sector 0 as zeros; returns the MBR,
 * to be written at byte 0 last. The caller flushes.
 */
export async function writeFatDisk(plan: FatDiskPlan, sink: SequentialSink, options: { signal?: AbortSignal | undefined } = {}): Promise<{ head: Uint8Array }> {
  const { signal } = options;
  const g = plan.geometry;
  // Whole sectors per buffer: every write to a device is then sector-aligned in offset and length.
  if (sink.capacityBytes % sectorBytes !== 0) throw new CmTsError('E_UNEXPECTED', `sink buffer of ${sink.capacityBytes} bytes is not a whole number of sectors`);
  const partitionOffset = g.partitionStartLba * sectorBytes;
  const sectorAt = (sector: number): number => partitionOffset + sector * sectorBytes;

  // Sector 0 stays zero until the end; the gap up to the partition is zeroed (old tables, GPT header).
  await sink.zeros(partitionOffset);
  sink.expect(partitionOffset, 'MBR and partition gap');

  // Reserved region: the boot record (boot sector, FSInfo, boot code stage 2) and its copy at 6..8 (fatgen103 "BPB_BkBootSec").
  const record = new Map([[0, bootSectorBytes(plan)], [fsInfoSectorIndex, fsInfoBytes(plan)], [bootCodeSectorIndex, fat32BootStage2]]);
  for (let s = 0; s < g.reservedSectors; s++) {
    const sector = record.get(s) ?? record.get(s - backupBootSectorIndex);
    if (sector) await sink.write(sector);
    else await sink.zeros(sectorBytes);
  }
  sink.expect(sectorAt(g.reservedSectors), 'reserved sectors');

  for (let copy = 0; copy < numFats; copy++) {
    await writeFat(sink, plan);
    sink.expect(sectorAt(g.reservedSectors + (copy + 1) * g.fatSectors), `FAT ${copy + 1}`);
  }

  let cluster = 2;
  const scratch = new Uint8Array(entryGroupBytes);
  for (const run of plan.runs) {
    signal?.throwIfAborted();
    if (run.firstCluster !== cluster) throw new CmTsError('E_UNEXPECTED', `${run.path}: run at cluster ${run.firstCluster}, expected ${cluster}`);
    if (run.kind === 'dir') await writeDirectory(sink, run, scratch);
    else await copySourceToSink(run.node.source, run.sizeBytes, sink, { signal });
    await sink.zeros(run.clusters * g.clusterBytes - runBytes(run));
    cluster += run.clusters;
    sink.expect(sectorAt(g.dataStartSector) + (cluster - 2) * g.clusterBytes, run.path || '\\');
  }
  sink.expect(plan.endOfDataBytes, 'data region');
  return { head: mbrBytes([{ startLba: g.partitionStartLba, sectors: g.partitionSectors, type: partitionType.fat32Lba, active: true }], plan.volumeId) };
}

function runBytes(run: FatDirPlan | FatFilePlan): number {
  return run.kind === 'file' ? run.sizeBytes : run.entries.reduce((n, e) => n + (1 + longEntryCount(e.name.long)) * dirEntryBytes, 0);
}

export function bootSectorBytes(plan: FatDiskPlan): Uint8Array {
  const g = plan.geometry;
  return fat32BootSector.toBytes({
    BS_OEMName: 'MSWIN4.1', // fatgen103: the most compatible value
    BPB_BytsPerSec: sectorBytes,
    BPB_SecPerClus: g.sectorsPerCluster,
    BPB_RsvdSecCnt: g.reservedSectors,
    BPB_NumFATs: numFats,
    BPB_Media: mediaFixedDisk,
    BPB_SecPerTrk: 63,
    BPB_NumHeads: 255,
    // Windows and BIOS boot code address the volume through the partition's start LBA.
    BPB_HiddSec: g.partitionStartLba,
    BPB_TotSec32: g.partitionSectors,
    BPB_FATSz32: g.fatSectors,
    BPB_ExtFlags: 0, // both FATs mirrored
    BPB_RootClus: 2,
    BPB_FSInfo: fsInfoSectorIndex,
    BPB_BkBootSec: backupBootSectorIndex,
    BS_DrvNum: 0x80,
    BS_VolID: plan.volumeId,
    BS_VolLab: plan.volumeLabel.padEnd(11),
    // The project's own: loads \BOOTMGR under BIOS (build/bootcode/fat32-vbr.asm; stage 2 in sector 2).
    BootCode: fat32BootSectorCode,
  });
}

function fsInfoBytes(plan: FatDiskPlan): Uint8Array {
  return fsInfoSector.toBytes({ FSI_Free_Count: plan.geometry.clusterCount - plan.usedClusters, FSI_Nxt_Free: 2 + plan.usedClusters });
}

/** FAT[0] = media byte in the low 8 bits, FAT[1] = EOC (clean, no errors); each run a chain ending in EOC. */
async function writeFat(sink: SequentialSink, plan: FatDiskPlan): Promise<void> {
  const usedEnd = 2 + plan.usedClusters;
  let runIndex = 0;
  let runEnd = 2 + (plan.runs[0]?.clusters ?? 0);
  for (let cluster = 0; cluster < usedEnd; ) {
    const n = Math.min(fatBlockEntries, usedEnd - cluster);
    const window = await sink.take(n * 4);
    const view = new DataView(window.buffer, window.byteOffset, window.byteLength);
    for (let i = 0; i < n; i++, cluster++) {
      let value: number;
      if (cluster === 0) value = 0x0fffff00 | mediaFixedDisk;
      else if (cluster === 1) value = endOfChain;
      else {
        while (cluster >= runEnd) runEnd += plan.runs[++runIndex]!.clusters;
        value = cluster === runEnd - 1 ? endOfChain : cluster + 1;
      }
      view.setUint32(i * 4, value, true);
    }
  }
  await sink.zeros(plan.geometry.fatSectors * sectorBytes - usedEnd * 4);
}

/** One entry with the most LFN entries a name can need. */
const entryGroupBytes = (1 + longEntryCount('x'.repeat(maxLongNameChars))) * dirEntryBytes;

/**
 * Entries are encoded into a scratch buffer and copied in with sink.write, not encoded in place with
 * sink.take: take moves to the next buffer when a group does not fit, so the buffer going out would
 * end mid-sector. Windows refuses a raw write to \\.\PhysicalDriveN whose offset or length is not a
 * whole number of sectors (FILE_FLAG_NO_BUFFERING rules); write fills every buffer to its end.
 */
async function writeDirectory(sink: SequentialSink, dir: FatDirPlan, scratch: Uint8Array): Promise<void> {
  for (const entry of dir.entries) {
    const longBytes = longEntryCount(entry.name.long) * dirEntryBytes;
    const group = scratch.subarray(0, longBytes + dirEntryBytes);
    group.fill(0);
    if (entry.name.long !== null) encodeLongEntries(entry.name.long, shortNameChecksum(entry.name.short), group, 0);
    encodeEntry(entry, group.subarray(longBytes));
    await sink.write(group);
  }
}

function encodeEntry(entry: DirEntryPlan, target: Uint8Array): void {
  const cluster = entry.firstCluster();
  const t = fatDateTime(entry.modified);
  dirEntry.encode(
    {
      DIR_Name: entry.name.short,
      DIR_Attr: entry.kind === 'label' ? attr.volumeId : entry.directory ? attr.directory : attr.archive,
      DIR_CrtTimeTenth: t.tenths,
      DIR_CrtTime: t.time,
      DIR_CrtDate: t.date,
      DIR_LstAccDate: t.date,
      DIR_FstClusHI: cluster >>> 16,
      DIR_WrtTime: t.time,
      DIR_WrtDate: t.date,
      DIR_FstClusLO: cluster & 0xffff,
      DIR_FileSize: entry.sizeBytes,
    },
    target,
  );
}

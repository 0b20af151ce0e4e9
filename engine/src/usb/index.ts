/**
 * USB media for the media pipeline: `formatUsbDisk` (UFD+FORMAT) and `copyToUsbVolume` (UFD).
 * Both check everything before the first byte is written.
 */
import { planFatDisk, writeFatDisk, type FatDiskPlan } from '../formats/fat/index.js';
import type { TreeDir } from '../formats/tree.js';
import { writeOutput } from '../output/write-output.js';
import { type DiskTarget, type DiskTargetOptions, resolveDiskTarget } from './device.js';
import { volumeIdentity } from './identity.js';
import { checkVolume, copyTreeToVolume, type CopyOptions, inspectVolume, type VolumeFacts, type VolumeInfo } from './volume.js';

export * from './device.js';
export * from './volume.js';
export { volumeIdentity } from './identity.js';
export { parseMountInfo, type MountEntry } from './mounts.js';

export interface UsbWriteOptions {
  packageId?: string;
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

export interface FormatUsbOptions extends UsbWriteOptions, DiskTargetOptions {
  volumeLabel: string;
  volumeId: number;
  timestamp?: Date;
  /** Replace an existing image file. */
  force?: boolean;
  onTemporaryFile?: (path: string) => void;
}

/** UFD+FORMAT: resolve and check the destination, plan the disk, write it. */
export async function formatUsbDisk(root: TreeDir, destination: string, options: FormatUsbOptions): Promise<{ target: DiskTarget; plan: FatDiskPlan; bytesWritten: number }> {
  const target = await resolveDiskTarget(destination, options);
  const plan = planFatDisk(root, {
    diskSizeBytes: target.sizeBytes,
    volumeLabel: options.volumeLabel,
    volumeId: options.volumeId,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    ...(options.packageId !== undefined ? { packageId: options.packageId } : {}),
  });
  const { bytesWritten } = await writeFatDiskTo(plan, target, options);
  return { target, plan, bytesWritten };
}

export interface FatDiskWriteOptions {
  /** Replace an existing image file. */
  force?: boolean;
  signal?: AbortSignal;
  /** Bytes written so far of the plan's endOfDataBytes. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  onTemporaryFile?: (path: string) => void;
  bufferBytes?: number;
}

/**
 * A planned FAT disk onto its target: an image file (a temporary file beside it, renamed into
 * place; a new one gets the plan's disk size) or a device checked safe before (resolveDiskTarget).
 */
export function writeFatDiskTo(plan: FatDiskPlan, target: Pick<DiskTarget, 'path' | 'kind'>, options: FatDiskWriteOptions = {}): Promise<{ bytesWritten: number }> {
  const total = plan.endOfDataBytes;
  const output = target.kind === 'image'
    ? { kind: 'file' as const, path: target.path, sizeBytes: plan.diskSizeBytes, force: options.force ?? false, onTemporaryFile: options.onTemporaryFile }
    : { kind: 'device' as const, path: target.path, sizeBytes: plan.diskSizeBytes };
  return writeOutput(output, {
    signal: options.signal,
    onProgress: options.onProgress && ((done) => options.onProgress?.(done, total)),
    ...(options.bufferBytes ? { bufferBytes: options.bufferBytes } : {}),
  }, (sink) => writeFatDisk(plan, sink, { signal: options.signal }));
}

/** UFD: inspect and check the mounted volume, then copy the tree onto it. */
export async function copyToUsbVolume(root: TreeDir, destination: string, options: CopyOptions & { volume?: VolumeFacts } = {}): Promise<{ volume: VolumeInfo; bytesWritten: number }> {
  const volume = await inspectVolume(destination, options.volume ? { facts: options.volume } : {});
  checkVolume(volume, root, options.packageId);
  // before the first journal entry: the next sweep undoes them only on this volume
  options.journal?.onVolume?.(volumeIdentity(destination));
  const { bytesWritten } = await copyTreeToVolume(root, destination, options);
  return { volume, bytesWritten };
}

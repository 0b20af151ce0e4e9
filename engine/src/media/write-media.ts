import { planIso, writeIso } from '../formats/iso/index.js';
import type { UndoJournal } from '../ops/operations.js';
import { copyToUsbVolume, type DiskFacts, formatUsbDisk } from '../usb/index.js';
import type { BootMediaTree } from './boot-tree.js';
import type { ProgressReporter } from './progress.js';

export const mediaTypes = ['CD', 'UFD', 'UFD+FORMAT'] as const;
export type MediaType = (typeof mediaTypes)[number];

export const writeStepInfo: Record<MediaType, string> = {
  CD: 'Writing the ISO image',
  UFD: 'Copying the media to the USB volume',
  'UFD+FORMAT': 'Writing the USB disk',
};

export interface WriteMediaOptions {
  label: string;
  timestamp: Date;
  /** The FAT volume serial number. */
  volumeId: number;
  /** ErrorDetail of PACKAGETOOLARGE. */
  packageId: string;
  force: boolean;
  signal: AbortSignal;
  imageSizeBytes?: number;
  allowLoopDevices: boolean;
  /** UFD+FORMAT to a Windows disk: its facts from the module. */
  disk?: DiskFacts;
  progress: ProgressReporter;
  /** Told how to undo each step before it is taken, so the next run can clean up after a crash (the Operation). */
  journal?: UndoJournal;
}

/** The last step of every creation: the same tree, as an ISO, onto a volume, or as a whole disk (SPEC §5.4, §5.6). */
export async function writeMedia(mediaType: MediaType, tree: BootMediaTree, destination: string, options: WriteMediaOptions): Promise<{ bytesWritten: number }> {
  const { progress, signal, journal } = options;
  const onProgress = (done: number, total: number) => progress.advance(done, total);
  // An image file is written under a temporary name: removing that undoes it.
  const onTemporaryFile = journal && ((path: string) => journal.add([{ remove: path }]));
  switch (mediaType) {
    case 'CD': {
      const plan = planIso(tree.root, {
        volumeLabel: options.label,
        timestamp: options.timestamp,
        boot: { ...(tree.biosBoot ? { bios: { file: tree.biosBoot } } : {}), ...(tree.uefiBoot ? { uefi: { file: tree.uefiBoot } } : {}) },
      });
      progress.log(`ISO image of ${plan.sizeBytes} bytes to ${destination}`);
      return writeIso(plan, destination, { force: options.force, signal, onProgress, onTemporaryFile });
    }
    case 'UFD': {
      const { volume, bytesWritten } = await copyToUsbVolume(tree.root, destination, { packageId: options.packageId, signal, onProgress, journal });
      progress.log(`copied ${bytesWritten} bytes to the ${volume.fileSystem} volume at ${destination}`);
      return { bytesWritten };
    }
    case 'UFD+FORMAT': {
      const { target, plan, bytesWritten } = await formatUsbDisk(tree.root, destination, {
        volumeLabel: options.label,
        volumeId: options.volumeId,
        timestamp: options.timestamp,
        packageId: options.packageId,
        force: options.force,
        signal,
        onProgress,
        allowLoopDevices: options.allowLoopDevices,
        ...(onTemporaryFile ? { onTemporaryFile } : {}),
        ...(options.imageSizeBytes !== undefined ? { imageSizeBytes: options.imageSizeBytes } : {}),
        ...(options.disk ? { disk: options.disk } : {}),
      });
      progress.log(`FAT32 ${target.kind} ${target.path}: ${plan.diskSizeBytes} bytes, ${bytesWritten} written`);
      return { bytesWritten };
    }
  }
}

import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CmTsError } from '../errors/index.js';
import { planFatDisk } from '../formats/fat/index.js';
import { type IsoPlan, planIso, writeIso } from '../formats/iso/index.js';
import { checkRoom } from '../output/check.js';
import type { UndoJournal } from '../output/undo.js';
import { writeOutput } from '../output/write-output.js';
import { checkVolume, copyToUsbVolume, describeDiskTarget, type DiskFacts, formatUsbDisk, inspectVolume, listTree, type VolumeFacts } from '../usb/index.js';
import type { BootMediaTree } from './boot-tree.js';
import type { MediaType } from './media-types.js';
import type { ProgressReporter } from './progress.js';

export { mediaTypes, type MediaType } from './media-types.js';

export const writeStepInfo: Record<MediaType, string> = {
  CD: 'Writing the ISO image',
  UFD: 'Copying the media to the USB volume',
  'UFD+FORMAT': 'Writing the USB disk',
};

/** Where and how the media go: what a write and its check (-WhatIf) share. */
export interface MediaTargetOptions {
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
  /** UFD on Windows: the volume's facts from the module (docs/usb.md "UFD on Windows"). */
  volume?: VolumeFacts;
}

export interface WriteMediaOptions extends MediaTargetOptions {
  progress: ProgressReporter;
  /** Told how to undo each step before it is taken, so the next run can clean up after a crash (the Operation). */
  journal?: UndoJournal;
}

function isoPlan(tree: BootMediaTree, options: MediaTargetOptions) {
  return planIso(tree.root, {
    volumeLabel: options.label,
    timestamp: options.timestamp,
    boot: { ...(tree.biosBoot ? { bios: { file: tree.biosBoot } } : {}), ...(tree.uefiBoot ? { uefi: { file: tree.uefiBoot } } : {}) },
  });
}

function diskTargetOptions(options: MediaTargetOptions) {
  return {
    allowLoopDevices: options.allowLoopDevices,
    ...(options.imageSizeBytes !== undefined ? { imageSizeBytes: options.imageSizeBytes } : {}),
    ...(options.disk ? { disk: options.disk } : {}),
  };
}

/**
 * The checks of writeMedia that write nothing (-WhatIf): the destination resolved and checked as a
 * write does it (a CD's folder writable with room for the ISO, a UFD volume's file system and free
 * space, a UFD+FORMAT disk's safety and size), with the same typed errors.
 */
export async function checkMediaTarget(mediaType: MediaType, tree: BootMediaTree, destination: string, options: MediaTargetOptions): Promise<{ sizeBytes: number; destination: string; erases: boolean }> {
  switch (mediaType) {
    case 'CD': {
      const { sizeBytes } = isoPlan(tree, options);
      await checkRoom(dirname(destination), sizeBytes, options.packageId);
      return { sizeBytes, destination, erases: false };
    }
    case 'UFD': {
      await checkExistingMedia(destination, options.force);
      const volume = await inspectVolume(destination, options.volume ? { facts: options.volume } : {});
      checkVolume(volume, tree.root, options.packageId);
      return { sizeBytes: listTree(tree.root).bytes, destination: `the ${volume.fileSystem} volume at ${destination}`, erases: false };
    }
    case 'UFD+FORMAT': {
      const target = await describeDiskTarget(destination, diskTargetOptions(options));
      const plan = planFatDisk(tree.root, { diskSizeBytes: target.sizeBytes, volumeLabel: options.label, volumeId: options.volumeId, packageId: options.packageId });
      return { sizeBytes: plan.diskSizeBytes, destination: target.description, erases: target.exists };
    }
  }
}


/**
 * -Force means one thing for every media type: replace existing media (docs/module.md). On a UFD
 * volume, media are there when it holds a media variables file or a boot image.
 */
async function checkExistingMedia(volume: string, force: boolean): Promise<void> {
  if (force) return;
  for (const path of [join(volume, 'SMS', 'data', 'Variables.dat'), join(volume, 'sources', 'boot.wim')]) {
    if (await stat(path).then(() => true, () => false)) {
      throw new CmTsError('E_FILEEXISTS', path, { reason: 'the volume already holds boot media; -Force replaces them' });
    }
  }
}

/** The last step of every creation: the same tree, as an ISO, onto a volume, or as a whole disk (docs/media.md). */
export async function writeMedia(mediaType: MediaType, tree: BootMediaTree, destination: string, options: WriteMediaOptions): Promise<{ bytesWritten: number }> {
  const { progress, signal, journal } = options;
  const onProgress = (done: number, total: number) => progress.advance(done, total);
  // An image file is written under a temporary name: removing that undoes it.
  const onTemporaryFile = journal && ((path: string) => journal.add([{ remove: path }]));
  switch (mediaType) {
    case 'CD': {
      const plan = isoPlan(tree, options);
      progress.log(`ISO image of ${plan.sizeBytes} bytes to ${destination}`);
      return writeIsoFile(plan, destination, { force: options.force, signal, onProgress, onTemporaryFile });
    }
    case 'UFD': {
      await checkExistingMedia(destination, options.force);
      const { volume, bytesWritten } = await copyToUsbVolume(tree.root, destination, { packageId: options.packageId, signal, onProgress, journal, ...(options.volume ? { volume: options.volume } : {}) });
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
        ...diskTargetOptions(options),
        ...(onTemporaryFile ? { onTemporaryFile } : {}),
      });
      progress.log(`FAT32 ${target.kind} ${target.path}: ${plan.diskSizeBytes} bytes, ${bytesWritten} written`);
      return { bytesWritten };
    }
  }
}

export interface IsoFileOptions {
  /** Replace an existing file. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Told the temporary file's path before it is created (output/atomic-file.ts). */
  onTemporaryFile?: ((path: string) => void) | undefined;
}

/** A planned ISO image as a file that appears at `path` only when complete and flushed. */
export function writeIsoFile(plan: IsoPlan, path: string, options: IsoFileOptions = {}): Promise<{ bytesWritten: number }> {
  const { signal, onProgress } = options;
  const target = { kind: 'file' as const, path, sizeBytes: plan.sizeBytes, force: options.force ?? false, onTemporaryFile: options.onTemporaryFile };
  return writeOutput(target, { signal, onProgress: onProgress && ((done) => onProgress(done, plan.sizeBytes)) }, (sink) => writeIso(plan, sink, { signal }));
}

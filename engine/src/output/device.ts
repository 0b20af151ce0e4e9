/**
 * A disk device as a destination: opened for exclusive writing, written in place, and told to the
 * kernel again when done (docs/usb.md). The safety checks that decide a device may be written come
 * first (usb/device.ts resolveDiskTarget).
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { CmTsError, fromSystemError } from '../errors/index.js';

/** O_EXCL on a Linux block device: the open fails with EBUSY while anything has it mounted or open exclusively. */
export async function openDevice(path: string): Promise<FileHandle> {
  const flags = constants.O_RDWR | (process.platform === 'linux' ? constants.O_EXCL : 0);
  return open(path, flags).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EBUSY') throw new CmTsError('CMTSMEDIA_E_DISKINUSE', path, undefined, { cause: err });
    throw fromSystemError(err, path);
  });
}

/** Closes the device and asks the kernel to read its new partition table (best effort: a loop device without partscan refuses). */
export async function closeDevice(handle: FileHandle, path: string): Promise<void> {
  await handle.close().catch(() => undefined);
  if (process.platform !== 'linux') return;
  await new Promise<void>((resolve) => execFile('blockdev', ['--rereadpt', path], () => resolve()));
}

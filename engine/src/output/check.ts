/**
 * The checks of a destination that come before anything is written (docs/architecture.md): what
 * kind it is, whether it may be replaced, whether there is room.
 */
import { statSync } from 'node:fs';
import { access, constants, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CmTsError, fromSystemError } from '../errors/index.js';

/** What a destination path names: an image file, a mounted volume, or a whole disk or a disk image file. */
export type DestinationKind = 'file' | 'volume' | 'diskOrImage';

/** Whether the destination is (or becomes) a file, locked beside it; else a volume or a disk (output/lock.ts). */
export function isFileDestination(kind: DestinationKind, path: string, windowsDisk: boolean): boolean {
  if (kind === 'file') return true;
  if (kind === 'volume' || windowsDisk || /^\\\\[.?]\\|^[A-Za-z]:\\?$/.test(path)) return false;
  try {
    const info = statSync(path, { throwIfNoEntry: false });
    return !info || info.isFile();
  } catch {
    return true; // unreadable: the write reports why
  }
}

/** A file destination (an ISO) is a file path whose folder exists; an existing file needs force. */
export async function checkFileDestination(path: string, force: boolean): Promise<void> {
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory()) throw new CmTsError('E_PATHNOTFOUND', dirname(path));
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new CmTsError('E_INVALIDARG', `destinationPath ${path} is a folder; give the path of the .iso file to create`);
  // With force the ISO is renamed over the destination: never over a device node, pipe or socket (/dev/sda, /dev/null).
  if (existing && !existing.isFile()) throw new CmTsError('E_INVALIDARG', `destinationPath ${path} is not a regular file; give the path of the .iso file to create`);
  if (existing && !force) throw new CmTsError('E_FILEEXISTS', path);
}

/** A folder a file of `sizeBytes` can be written into: writable, with room for it (statfs); PACKAGETOOLARGE names `packageId`. */
export async function checkRoom(folder: string, sizeBytes: number, packageId: string): Promise<void> {
  await access(folder, constants.W_OK).catch((err: unknown) => {
    throw fromSystemError(err, folder);
  });
  const stats = await statfs(folder);
  const freeBytes = stats.bavail * stats.bsize;
  if (stats.blocks > 0 && freeBytes < sizeBytes) {
    throw new CmTsError('CREATETSMEDIA_E_PACKAGETOOLARGE', packageId, { reason: `the media need ${sizeBytes} bytes and ${folder} has ${freeBytes} free`, sizeBytes, freeBytes });
  }
}

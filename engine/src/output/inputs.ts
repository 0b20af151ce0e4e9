/**
 * A destination must not be one of the creation's own inputs (SECURITY.md "Crash safety"): with
 * -Force the media would replace the boot image, the site catalog or the PFX they are made from,
 * and a disk image written into the prestart folder would copy itself. Files are compared by device
 * and inode, so a hard link, a symlink or another spelling of the path is the same file.
 */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { CmTsError } from '../errors/index.js';

export interface CreationInput {
  /** How the error names it: "the boot image", "the site catalog (siteCatalog)". */
  what: string;
  path: string;
  /** A folder whose files go onto the media: the destination may not lie inside it. */
  folder?: boolean;
}

const real = (path: string): string | undefined => {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
};

/** A file below `folder` that is the same file (device and inode) as `target`: a hard link or a symlink's target. */
function sameFileIn(folder: string, target: Stats): string | undefined {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const found = entry.isDirectory() ? sameFileIn(path, target) : sameFile(statSync(path, { throwIfNoEntry: false }), target) ? path : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

const sameFile = (a: Stats | undefined, b: Stats): boolean => a !== undefined && a.dev === b.dev && a.ino === b.ino;

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** E_INVALIDARG, before anything is written, when `destination` is (or lies in) one of `inputs`. */
export function refuseInputAsDestination(destination: string, inputs: readonly CreationInput[]): void {
  const target = statSync(destination, { throwIfNoEntry: false });
  const targetFolder = real(dirname(destination));
  for (const input of inputs) {
    if (input.folder) {
      const folder = real(input.path);
      if (folder && targetFolder && inside(folder, targetFolder)) {
        throw new CmTsError('E_INVALIDARG', `destinationPath ${destination} lies in ${input.what} ${input.path}, whose files go onto the media; choose a destination outside it`);
      }
      const linked = folder && target?.isFile() ? sameFileIn(folder, target) : undefined;
      if (linked !== undefined) {
        throw new CmTsError('E_INVALIDARG', `destinationPath ${destination} is the same file as ${linked} in ${input.what} ${input.path}, whose files go onto the media; choose another destination`);
      }
      continue;
    }
    if (!target) continue;
    if (sameFile(statSync(input.path, { throwIfNoEntry: false }), target)) {
      throw new CmTsError('E_INVALIDARG', `destinationPath ${destination} is the same file as ${input.what} ${input.path}; the media would overwrite what they are made from. Choose another destination`);
    }
  }
}

import { closeSync, constants, fstatSync, ftruncateSync, fsyncSync, lstatSync, openSync, readSync, renameSync, type Stats, unlinkSync, writeSync } from 'node:fs';

/**
 * What the engine trusts in its state folder (SECURITY.md "The state folder"): crash recovery acts
 * on status records, so a record planted by another user, or reached through a symlink, could make
 * a root run delete or replace any file. A folder is trusted when it is a real directory (not a
 * symlink), owned by the current user and not writable by group or others; a record when it is a
 * regular file there, owned by the current user, with one link, and of bounded size. On Windows
 * the folder's ACL (inherited from %LOCALAPPDATA%) stands in for the mode and owner checks.
 */
const posix = typeof process.getuid === 'function';

function ownershipProblem(info: Stats, folder: boolean): string | null {
  if (!posix) return null;
  if (info.uid !== process.getuid!()) return `is owned by uid ${info.uid}, not by this user (uid ${process.getuid!()})`;
  if (folder && (info.mode & 0o022) !== 0) return `is writable by ${info.mode & 0o020 ? 'its group' : 'other users'} (mode ${(info.mode & 0o7777).toString(8)})`;
  return null;
}

/** Why `path` is not a folder the engine may trust, or null when it is. */
export function folderProblem(path: string): string | null {
  let info: Stats;
  try {
    info = lstatSync(path);
  } catch (err) {
    return `cannot be read (${(err as NodeJS.ErrnoException).code})`;
  }
  if (info.isSymbolicLink()) return 'is a symbolic link';
  if (!info.isDirectory()) return 'is not a folder';
  return ownershipProblem(info, true);
}

export type TrustedRead = { text: string } | { problem: string };

/**
 * Reads a record of at most `maxBytes`. Never follows a symlink (O_NOFOLLOW), never waits on a
 * FIFO (O_NONBLOCK), never reads a device or more than `maxBytes`.
 */
export function readTrustedFile(path: string, maxBytes: number): TrustedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: code === 'ELOOP' ? 'is a symbolic link' : `cannot be read (${code})` };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { problem: 'is not a regular file' };
    const owner = ownershipProblem(info, false);
    if (owner) return { problem: owner };
    if (posix && info.nlink !== 1) return { problem: `has ${info.nlink} hard links` };
    if (info.size > maxBytes) return { problem: `has ${info.size} bytes, more than the ${maxBytes} a record may have` };
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, length);
    if (length > maxBytes) return { problem: `grew past the ${maxBytes} bytes a record may have` };
    return { text: buffer.toString('utf8', 0, length) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces a record atomically: written to `<path>.<pid>.tmp` (created new, 0600, never through a
 * symlink) and renamed over `path`. A failed write removes the temporary file and throws.
 */
export function writePrivateFile(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  let fd: number;
  try {
    fd = openSync(temp, flags, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    unlinkSync(temp); // left by a killed process that had this pid
    fd = openSync(temp, flags, 0o600);
  }
  try {
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    closeSync(fd);
    renameSync(temp, path);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created or gone
    }
    throw err;
  }
}

/**
 * Rewrites an existing record in place (its own blocks; no new file), for when the disk has no room
 * for writePrivateFile's temporary file. Not atomic: for an operation's last word only.
 */
export function overwritePrivateFile(path: string, text: string): void {
  const fd = openSync(path, constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, at);
    ftruncateSync(fd, bytes.length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

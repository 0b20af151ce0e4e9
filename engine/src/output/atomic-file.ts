/**
 * An output file that appears at its destination only when complete: bytes go to
 * `.<basename>.<random>.cmtsmedia-tmp` beside the destination (same file system, so the final
 * rename is atomic), and commit() flushes, fsyncs, renames and fsyncs the folder.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CmTsError, fromSystemError } from '../errors/index.js';

const tempSuffix = '.cmtsmedia-tmp';

/** True for a name made by createAtomicOutput (the operation store removes orphans of dead runs). */
export function isCmTsMediaTemp(name: string): boolean {
  return name.startsWith('.') && name.endsWith(tempSuffix) && /\.[0-9a-f]{16}\.cmtsmedia-tmp$/.test(name);
}

export interface AtomicOutput {
  /** The temporary file being written. */
  readonly path: string;
  readonly handle: FileHandle;
  /** fsync, close, rename over the destination, fsync the folder. */
  commit(): Promise<void>;
  /** Close and remove the temporary file; never throws. */
  abort(): Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw fromSystemError(err, path);
  }
}

/**
 * -Force replacing a file: the new file gets the replaced file's mode and owner (an admin who made
 * the ISO 0640 for a group keeps that), as far as this user may set them (only root gives a file
 * to another owner). On Windows, where modes are not ACLs, the new file keeps its inherited ACL.
 */
async function keepModeAndOwner(handle: FileHandle, destination: string): Promise<void> {
  if (process.platform === 'win32') return;
  const old = await lstat(destination).catch(() => undefined);
  if (!old?.isFile()) return;
  const info = await handle.stat();
  if (info.uid !== old.uid || info.gid !== old.gid) {
    await handle.chown(old.uid, old.gid).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    });
  }
  // permission bits only: never set-user-ID or set-group-ID on media
  await handle.chmod(old.mode & 0o777);
}

export interface AtomicOutputOptions {
  force?: boolean;
  random?: () => string;
  /**
   * Told the temporary file's path before the file is created, so the caller can record it
   * (Operation.track) and a run that is killed at any later point leaves nothing the next run
   * cannot find and remove.
   */
  onTemporaryFile?: (path: string) => void;
}

/**
 * Creates the temporary file. An existing destination without `force` is E_FILEEXISTS (detail =
 * the path), checked here and again just before the rename.
 */
export async function createAtomicOutput(destination: string, options: AtomicOutputOptions = {}): Promise<AtomicOutput> {
  const force = options.force ?? false;
  if (!force && (await exists(destination))) throw new CmTsError('E_FILEEXISTS', destination);
  const folder = dirname(destination);
  const random = options.random ?? (() => randomBytes(8).toString('hex'));
  const path = join(folder, `.${basename(destination)}.${random()}${tempSuffix}`);
  options.onTemporaryFile?.(path);
  // 0600: media carry the media certificate's private key (SECURITY.md); umask only narrows it
  const handle = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR, 0o600).catch((err: unknown) => {
    throw fromSystemError(err, (err as NodeJS.ErrnoException).code === 'ENOENT' ? folder : destination);
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  const abort = async (): Promise<void> => {
    await close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
  };
  return {
    path,
    handle,
    abort,
    async commit() {
      try {
        await keepModeAndOwner(handle, destination);
        await handle.sync();
        await close();
        if (!force && (await exists(destination))) throw new CmTsError('E_FILEEXISTS', destination);
        await rename(path, destination);
      } catch (err) {
        await abort();
        throw fromSystemError(err, destination);
      }
      // the rename is durable only once the folder is synced; some file systems refuse to open a folder
      const dir = await open(folder, 'r').catch(() => null);
      if (dir) await dir.sync().catch(() => undefined).finally(() => dir.close());
    },
  };
}

/** A small file written whole, that appears only when complete (a site catalog, a certificate). */
export async function writeFileAtomically(path: string, bytes: Uint8Array, force: boolean): Promise<void> {
  const output = await createAtomicOutput(path, { force });
  try {
    await output.handle.writeFile(bytes);
  } catch (err) {
    await output.abort();
    throw fromSystemError(err, path);
  }
  await output.commit();
}

import { close, closeSync, open, openSync, read, readSync, statSync, type Stats } from 'node:fs';
import { stat, statfs } from 'node:fs/promises';
import { CmTsError, fromSystemError } from '../errors/index.js';
import type { SequentialSink } from './binary/index.js';
import type { FileSource, TreeDir, TreeNode } from './tree.js';

const readChunkBytes = 1 << 20;

/** Bytes held in memory (generated files: Variables.dat, TsmBootstrap.ini, ...). */
export function bufferSource(bytes: Uint8Array, origin: string): FileSource {
  return {
    sizeBytes: bytes.length,
    origin,
    async *open() {
      yield bytes;
    },
  };
}

/** A source that can also read into the caller's buffer at a file position: a file on disk. */
export interface PositionalSource extends FileSource {
  openReader(): Promise<PositionalReader>;
  /**
   * Open, read from the start into `target` until it is full or the file ends, close, all
   * synchronously; returns the bytes read. A read that comes back short once `expectBytes` are in
   * is taken as the end (a regular file's read is short only there), so a file of the expected
   * size costs one read. Used for files of at most syncReadMaxBytes only.
   */
  readStartSync?(target: Uint8Array, expectBytes: number): number;
}

export interface PositionalReader {
  /** Fills `target` from `position` on; resolves the bytes read, fewer only at the end of the file. */
  read(target: Uint8Array, position: number): Promise<number>;
  close(): void;
}

export function isPositionalSource(source: FileSource): source is PositionalSource {
  return typeof (source as Partial<PositionalSource>).openReader === 'function';
}

/**
 * Files up to this size are opened and read synchronously. Every thread-pool round trip wakes the
 * main thread (2,000 files of bench/cases/10-iso.mjs read asynchronously: 0.58 s of the main
 * thread idle between 4,000 round trips on a 2-core VM), which for a small file costs more than
 * open + read + close themselves; the longest the event loop then waits is one small read.
 */
export const syncReadMaxBytes = 256 << 10;

/**
 * Where a larger file's chunks are read: on the main thread, between the sink's asynchronous
 * writes ('main'), or on libuv's thread pool ('pool'), so that a read that stalls (a network share)
 * leaves the event loop free for cancel, progress and the heartbeat.
 */
export type ReadThread = 'main' | 'pool';

/**
 * Linux file systems that are read from a local device or memory (statfs f_type, linux/magic.h):
 * ext2/3/4, XFS, Btrfs, F2FS, ZFS, tmpfs, overlayfs, FAT, exFAT, ntfs3, ISO 9660, UDF, SquashFS.
 * A network or FUSE file system is not among them.
 */
const localFileSystems = new Set([
  0xef53, 0x58465342, 0x9123683e, 0xf2f52010, 0x2fc12fc1, 0x01021994, 0x794c7630, 0x4d44, 0x2011bab0, 0x7366746e, 0x9660, 0x15013346, 0x73717368,
]);

/**
 * The main thread reads a large file on a local Linux file system: a 512 KiB read from the page
 * cache costs less than the thread-pool round trip around it (1 GiB CD, the shipped executable,
 * 9 rounds in turns: 1.09 s and 0.96 CPU-seconds against 1.22 s and 1.22 on the pool;
 * docs/performance.md "Reading the boot image"). Elsewhere (Windows, macOS, shares, FUSE) the pool
 * reads.
 */
export async function readThreadFor(path: string): Promise<ReadThread> {
  if (process.platform !== 'linux') return 'pool';
  const info = await statfs(path).catch(() => undefined);
  return info && localFileSystems.has(info.type) ? 'main' : 'pool';
}

/**
 * A raw descriptor: the promise API's FileHandle (and its close, which must be awaited) costs more
 * per small file than the read. A read-only descriptor's close cannot lose data, so it is not awaited.
 */
async function openReader(path: string, sizeBytes: number, largeReads?: ReadThread): Promise<PositionalReader> {
  if (sizeBytes <= syncReadMaxBytes || (largeReads ?? (await readThreadFor(path))) === 'main') {
    const fd = openSyncForReading(path);
    return {
      async read(target, position) {
        try {
          return readSync(fd, target, 0, target.length, position);
        } catch (err) {
          throw fromSystemError(err, path);
        }
      },
      close: () => {
        try {
          closeSync(fd);
        } catch {
          // nothing to lose on a read-only descriptor
        }
      },
    };
  }
  const fd = await new Promise<number>((resolve, reject) => {
    open(path, 'r', (err, opened) => (err ? reject(fromSystemError(err, path)) : resolve(opened)));
  });
  return {
    read: (target, position) =>
      new Promise((resolve, reject) => {
        read(fd, target, 0, target.length, position, (err, bytesRead) => (err ? reject(fromSystemError(err, path)) : resolve(bytesRead)));
      }),
    close: () => close(fd, () => undefined),
  };
}

/**
 * A file on disk. The size is taken when the source is made; a file that ends early or grows
 * while read is CMTSMEDIA_E_SOURCECHANGED. `open` streams it through one reused 1 MiB buffer;
 * writers with a SequentialSink read it straight into their buffer (copySourceToSink).
 */
export async function diskFileSource(path: string, largeReads?: ReadThread): Promise<PositionalSource> {
  return diskSourceOf(path, await stat(path).catch((err: unknown) => {
    throw fromSystemError(err, path);
  }), largeReads);
}

/**
 * diskFileSource with a synchronous stat, for walking a folder of many small files (one
 * thread-pool round trip per file costs more than the stat; see syncReadMaxBytes).
 */
export function diskFileSourceSync(path: string): PositionalSource {
  try {
    return diskSourceOf(path, statSync(path));
  } catch (err) {
    throw fromSystemError(err, path);
  }
}

function diskSourceOf(path: string, info: Stats, largeReads?: ReadThread): PositionalSource {
  if (!info.isFile()) throw new CmTsError('E_INVALIDARG', `${path} is not a regular file`);
  return new DiskFileSource(path, info.size, largeReads);
}

/** A class, not an object of closures: a tree of 20,000 files holds one small object per file. */
class DiskFileSource implements PositionalSource {
  constructor(
    readonly origin: string,
    readonly sizeBytes: number,
    /** Where reads of more than syncReadMaxBytes run; by default readThreadFor decides at each open. */
    private readonly largeReads?: ReadThread,
  ) {}

  readStartSync(target: Uint8Array, expectBytes: number): number {
    return readStartSync(this.origin, target, expectBytes);
  }

  openReader(): Promise<PositionalReader> {
    return openReader(this.origin, this.sizeBytes, this.largeReads);
  }

  async *open(signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const { origin: path, sizeBytes } = this;
    const reader = await openReader(path, sizeBytes, this.largeReads);
    try {
      const buffer = new Uint8Array(Math.min(readChunkBytes, sizeBytes + 1));
      let position = 0;
      for (;;) {
        signal?.throwIfAborted();
        const want = Math.min(buffer.length, sizeBytes - position + 1);
        const bytesRead = await reader.read(buffer.subarray(0, want), position);
        checkRead(path, sizeBytes, position, bytesRead);
        if (bytesRead === 0) return;
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
        if (position === sizeBytes && bytesRead < want) return;
      }
    } finally {
      reader.close();
    }
  }
}

function openSyncForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw fromSystemError(err, path);
  }
}

function readStartSync(path: string, target: Uint8Array, expectBytes: number): number {
  const fd = openSyncForReading(path);
  try {
    let done = 0;
    while (done < target.length) {
      const want = target.length - done;
      const bytesRead = readSync(fd, target, done, want, done);
      done += bytesRead;
      if (bytesRead === 0 || (bytesRead < want && done >= expectBytes)) break;
    }
    return done;
  } catch (err) {
    throw fromSystemError(err, path);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // nothing to lose on a read-only descriptor
    }
  }
}

/** A read past the planned size, or the end before it, means the file changed since it was measured. */
function checkRead(origin: string, sizeBytes: number, position: number, bytesRead: number): void {
  if (position + bytesRead > sizeBytes) throw new CmTsError('CMTSMEDIA_E_SOURCECHANGED', `${origin} grew beyond the ${sizeBytes} bytes it had`);
  if (bytesRead === 0 && position < sizeBytes) throw new CmTsError('CMTSMEDIA_E_SOURCECHANGED', `${origin} is shorter than the ${sizeBytes} bytes it had`);
}

/**
 * Streams a source into a sink: exactly `sizeBytes` bytes or CMTSMEDIA_E_SOURCECHANGED. A disk
 * file is read straight into the sink's buffer, asking for one byte more than is left wherever
 * the buffer has room: a read that ends exactly at the planned size is the end of the file, so
 * no separate read probes for growth (only a file that ends on a buffer boundary needs one).
 */
export async function copySourceToSink(
  source: FileSource,
  sizeBytes: number,
  sink: SequentialSink,
  options: { signal?: AbortSignal | undefined; onBytes?: (() => void) | undefined } = {},
): Promise<void> {
  const { signal, onBytes } = options;
  const checkCancel = (): void => {
    if (signal?.aborted) throw new CmTsError('E_CANCELLED');
  };
  if (!isPositionalSource(source)) {
    let copied = 0;
    for await (const chunk of source.open(signal)) {
      checkCancel();
      if (copied + chunk.length > sizeBytes) throw new CmTsError('CMTSMEDIA_E_SOURCECHANGED', `${source.origin} grew beyond the ${sizeBytes} bytes it had`);
      copied += chunk.length;
      await sink.write(chunk);
      onBytes?.();
    }
    if (copied !== sizeBytes) throw new CmTsError('CMTSMEDIA_E_SOURCECHANGED', `${source.origin} gave ${copied} of the ${sizeBytes} bytes it had`);
    return;
  }
  const reader = await source.openReader();
  try {
    let position = 0;
    for (;;) {
      checkCancel();
      const window = await sink.writable(sizeBytes - position + 1);
      const bytesRead = await reader.read(window, position);
      checkRead(source.origin, sizeBytes, position, bytesRead);
      if (bytesRead === 0) return;
      sink.advance(bytesRead);
      position += bytesRead;
      onBytes?.();
      if (position === sizeBytes && bytesRead < window.length) return;
    }
  } finally {
    reader.close();
  }
}

/**
 * copySourceToSink for a small disk file that fits the sink's current buffer, synchronously (no
 * promise per file: 2,000 small files took 0.1 s less). Reads one byte more than planned, so a file
 * that grew is caught without a second read. False, with nothing done, when the file is not such
 * a source or the buffer lacks room; the caller then uses copySourceToSink.
 */
export function copySmallSourceSync(source: FileSource, sizeBytes: number, sink: SequentialSink): boolean {
  if (sizeBytes > syncReadMaxBytes || sizeBytes + 1 > sink.roomBytes || !isPositionalSource(source) || !source.readStartSync) return false;
  const bytesRead = source.readStartSync(sink.writableSync(sizeBytes + 1), sizeBytes);
  checkRead(source.origin, sizeBytes, 0, bytesRead);
  if (bytesRead < sizeBytes) checkRead(source.origin, sizeBytes, bytesRead, 0);
  sink.advance(bytesRead);
  return true;
}

/**
 * Builds a tree from `[path, node]` pairs whose paths use `/` or `\`. Folders are created as
 * needed; an empty folder is given as a path ending in a separator with a null source.
 * Duplicate paths (compared case-insensitively, as Windows does) are E_INVALIDARG.
 */
export function treeFromPaths(entries: Iterable<readonly [string, FileSource | null]>, modified?: Date): TreeDir {
  interface MutableDir { kind: 'dir'; name: string; children: TreeNode[]; modified?: Date; index: Map<string, TreeNode> }
  const makeDir = (name: string): MutableDir => ({ kind: 'dir', name, children: [], index: new Map(), ...(modified ? { modified } : {}) });
  const root = makeDir('');
  for (const [path, source] of entries) {
    const parts = path.split(/[\\/]+/).filter((p) => p.length > 0);
    if (parts.length === 0) throw new CmTsError('E_INVALIDARG', `empty media path "${path}"`);
    let dir = root;
    const last = source ? parts.length - 1 : parts.length;
    for (let i = 0; i < last; i++) {
      const key = parts[i]!.toUpperCase();
      const existing = dir.index.get(key);
      if (existing && existing.kind !== 'dir') throw new CmTsError('E_INVALIDARG', `media path ${path} uses the file ${parts[i]} as a folder`);
      let next = existing as MutableDir | undefined;
      if (!next) {
        next = makeDir(parts[i]!);
        dir.index.set(key, next);
        dir.children.push(next);
      }
      dir = next;
    }
    if (source) {
      const name = parts[parts.length - 1]!;
      if (dir.index.has(name.toUpperCase())) throw new CmTsError('E_INVALIDARG', `media path ${path} is given twice`);
      const file: TreeNode = { kind: 'file', name, source, ...(modified ? { modified } : {}) };
      dir.index.set(name.toUpperCase(), file);
      dir.children.push(file);
    }
  }
  const strip = (d: MutableDir): TreeDir => ({
    kind: 'dir',
    name: d.name,
    children: d.children.map((c) => (c.kind === 'dir' ? strip(c as MutableDir) : c)),
    ...(d.modified ? { modified: d.modified } : {}),
  });
  return strip(root);
}

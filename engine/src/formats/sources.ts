import { open, stat } from 'node:fs/promises';
import { CmTsError, fromSystemError } from '../errors/index.js';
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

/**
 * A file on disk, read through one reused 1 MiB buffer. The size is taken when the source is
 * made; a file that ends early or grows while read is CMTSMEDIA_E_SOURCECHANGED.
 */
export async function diskFileSource(path: string): Promise<FileSource> {
  const info = await stat(path).catch((err: unknown) => {
    throw fromSystemError(err, path);
  });
  if (!info.isFile()) throw new CmTsError('E_INVALIDARG', `${path} is not a regular file`);
  const sizeBytes = info.size;
  return {
    sizeBytes,
    origin: path,
    async *open(signal?: AbortSignal) {
      const handle = await open(path, 'r').catch((err: unknown) => {
        throw fromSystemError(err, path);
      });
      try {
        const buffer = new Uint8Array(Math.min(readChunkBytes, Math.max(sizeBytes, 1)));
        let position = 0;
        while (position < sizeBytes) {
          signal?.throwIfAborted();
          const want = Math.min(buffer.length, sizeBytes - position);
          const { bytesRead } = await handle.read(buffer, 0, want, position).catch((err: unknown) => {
            throw fromSystemError(err, path);
          });
          if (bytesRead === 0) throw new CmTsError('CMTSMEDIA_E_SOURCECHANGED', `${path} is shorter than the ${sizeBytes} bytes it had`);
          position += bytesRead;
          yield buffer.subarray(0, bytesRead);
        }
        const { bytesRead } = await handle.read(new Uint8Array(1), 0, 1, position);
        if (bytesRead !== 0) throw new CmTsError('CMTSMEDIA_E_SOURCECHANGED', `${path} grew beyond the ${sizeBytes} bytes it had`);
      } finally {
        await handle.close();
      }
    },
  };
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

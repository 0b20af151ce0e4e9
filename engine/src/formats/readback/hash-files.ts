/**
 * Hashes the files of a read volume at disk speed (docs/readback.md "Reading back"): pieces of at
 * most 4 MiB in on-disk order, the next piece read while the current one is hashed, so reading
 * and SHA-256 overlap. Memory: two piece buffers, whatever the media size.
 */
import { createHash, type Hash } from 'node:crypto';
import { CmTsError } from '../../errors/index.js';
import type { Extent, ReadFile } from './volume.js';

const pieceBytes = 4 << 20;

/** Reads `length` bytes of `file` at `position` (an extent position) into `target`. */
export type PieceReader = (file: ReadFile, position: number, length: number, target: Uint8Array) => Promise<Uint8Array>;

interface Piece {
  file: number;
  position: number;
  length: number;
  last: boolean;
}

function* pieces(files: readonly ReadFile[]): Generator<Piece> {
  const order = files.map((f, i) => ({ f, i })).sort((a, b) => (a.f.extents[0]?.position ?? 0) - (b.f.extents[0]?.position ?? 0));
  for (const { f, i } of order) {
    const extents: Extent[] = f.extents.filter((e) => e.length > 0);
    if (extents.length === 0) yield { file: i, position: 0, length: 0, last: true };
    for (let k = 0; k < extents.length; k++) {
      const e = extents[k]!;
      for (let at = 0; at < e.length; at += pieceBytes) {
        const length = Math.min(pieceBytes, e.length - at);
        yield { file: i, position: e.position + at, length, last: k === extents.length - 1 && at + length === e.length };
      }
    }
  }
}

/** Lowercase hex SHA-256 per file (same order as `files`). `onBytes` sees the running total. */
export async function hashFiles(files: readonly ReadFile[], read: PieceReader, options: { signal?: AbortSignal; onBytes?: (done: number, total: number) => void } = {}): Promise<string[]> {
  const total = files.reduce((n, f) => n + f.sizeBytes, 0);
  const digests: string[] = new Array(files.length);
  const buffers = [new Uint8Array(pieceBytes), new Uint8Array(pieceBytes)];
  const hashes = new Map<number, Hash>();
  const iterator = pieces(files);
  const start = (piece: Piece | undefined, slot: number) => (piece && piece.length > 0 ? read(files[piece.file]!, piece.position, piece.length, buffers[slot]!.subarray(0, piece.length)) : Promise.resolve(new Uint8Array(0)));
  let current = iterator.next().value as Piece | undefined;
  let slot = 0;
  let pending = start(current, slot);
  let done = 0;
  while (current) {
    if (options.signal?.aborted) throw new CmTsError('E_CANCELLED');
    const bytes = await pending;
    const next = iterator.next().value as Piece | undefined;
    slot ^= 1;
    pending = start(next, slot);
    let hash = hashes.get(current.file);
    if (!hash) hashes.set(current.file, (hash = createHash('sha256')));
    hash.update(bytes);
    done += bytes.length;
    options.onBytes?.(done, total);
    if (current.last) {
      digests[current.file] = hash.digest('hex');
      hashes.delete(current.file);
    }
    current = next;
  }
  await pending;
  return digests;
}

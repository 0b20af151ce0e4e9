/**
 * Reading resources: a reshdr names `size_in_wim` stored bytes at `offset_in_wim`. A compressed
 * non-solid resource is a chunk table then chunks (wimlib src/resource.c): `ceil(size / chunk_size)`
 * chunks, each decompressed on its own; the table has one entry per chunk but the first, giving its
 * start relative to the table's end (u32, or u64 when the resource is 4 GiB or more); a chunk
 * whose stored size equals its uncompressed size is stored raw. Chunks are read in batches of
 * about 1 MiB, decoded into one reused buffer and handed out one by one: memory stays bounded
 * whatever the resource size, and only the chunks of the wanted resource are read.
 */
import type { FileHandle } from 'node:fs/promises';
import { CmTsError, fromSystemError } from '../../errors/index.js';
import { reshdrFlagCompressed, reshdrFlagSolid, type Reshdr, type WimCompression } from './header.js';
import { LzxDecoder } from './lzx.js';
import { XpressDecoder } from './xpress.js';

const batchBytes = 1 << 20;

interface ChunkDecoder {
  decompress(input: Uint8Array, output: Uint8Array): void;
}

const corrupt = (detail: string): CmTsError => new CmTsError('CMTSMEDIA_E_WIMCORRUPT', detail);

/** LZMS and solid resources (Windows 8+ ESD style) are not read: the detail says how to re-export. */
export function unsupportedCompression(path: string, what: string): CmTsError {
  return new CmTsError(
    'CMTSMEDIA_E_WIMCOMPRESSION',
    `${path} stores ${what}; re-export the image with LZX or XPRESS, non-solid: ` +
      `'wimlib-imagex export "${path}" all boot-lzx.wim --compress=LZX' or ` +
      `'DISM /Export-Image /SourceImageFile:"${path}" /SourceIndex:1 /DestinationImageFile:boot-lzx.wim /Compress:max'`,
  );
}

export class ResourceReader {
  private decoder: ChunkDecoder | undefined;

  constructor(
    private readonly handle: FileHandle,
    readonly fileSize: number,
    readonly path: string,
    readonly compression: WimCompression,
    readonly chunkBytes: number,
  ) {}

  /** Reads exactly `length` bytes at `position` into `buffer` (the file may have shrunk since open). */
  async readAt(buffer: Uint8Array, length: number, position: number): Promise<Uint8Array> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, position + done).catch((err: unknown) => {
        throw fromSystemError(err, this.path);
      });
      if (bytesRead === 0) throw corrupt(`${this.path} ends at byte ${position + done}, inside a resource (truncated?)`);
      done += bytesRead;
    }
    return buffer.subarray(0, length);
  }

  private chunkDecoder(what: string): ChunkDecoder {
    if (this.decoder) return this.decoder;
    switch (this.compression) {
      case 'xpress': return (this.decoder = new XpressDecoder());
      case 'lzx': return (this.decoder = new LzxDecoder(this.chunkBytes));
      case 'lzms': throw unsupportedCompression(this.path, `${what} with LZMS compression`);
      default: throw corrupt(`${this.path}: the ${what} is compressed but the header names no compression type`);
    }
  }

  /**
   * The resource's uncompressed bytes, chunk by chunk. A yielded array is valid until the next pull.
   * Solid and LZMS resources are CMTSMEDIA_E_WIMCOMPRESSION; damage is CMTSMEDIA_E_WIMCORRUPT.
   */
  async *chunks(r: Reshdr, what: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const cancelled = (): void => {
      if (signal?.aborted) throw new CmTsError('E_CANCELLED');
    };
    if (r.flags & reshdrFlagSolid) throw unsupportedCompression(this.path, `the ${what} in a solid resource`);
    if (r.offset_in_wim > this.fileSize || r.size_in_wim > this.fileSize - r.offset_in_wim) {
      throw corrupt(`${this.path}: the ${what} lies past the end of the file (truncated?)`);
    }
    const usize = r.uncompressed_size;
    if (!(r.flags & reshdrFlagCompressed)) {
      if (r.size_in_wim !== usize) throw corrupt(`${this.path}: the uncompressed ${what} has ${r.size_in_wim} bytes stored for ${usize}`);
      const buffer = new Uint8Array(Math.min(batchBytes, Math.max(usize, 1)));
      for (let done = 0; done < usize; ) {
        cancelled();
        const n = Math.min(buffer.length, usize - done);
        yield await this.readAt(buffer, n, r.offset_in_wim + done);
        done += n;
      }
      return;
    }
    if (usize === 0) return;
    const decoder = this.chunkDecoder(what);
    const cs = this.chunkBytes;
    const numChunks = Math.ceil(usize / cs);
    const entryBytes = usize > 0xffffffff ? 8 : 4;
    const tableBytes = (numChunks - 1) * entryBytes;
    if (tableBytes >= r.size_in_wim) throw corrupt(`${this.path}: the ${what}'s chunk table (${numChunks} chunks) does not fit its ${r.size_in_wim} bytes`);
    const dataBytes = r.size_in_wim - tableBytes;
    const starts = new Float64Array(numChunks + 1);
    if (tableBytes > 0) {
      const t = await this.readAt(new Uint8Array(tableBytes), tableBytes, r.offset_in_wim);
      const view = new DataView(t.buffer, t.byteOffset, t.byteLength);
      for (let i = 1; i < numChunks; i++) {
        starts[i] = entryBytes === 4 ? view.getUint32((i - 1) * 4, true) : Number(view.getBigUint64((i - 1) * 8, true));
      }
    }
    starts[numChunks] = dataBytes;
    for (let i = 0; i < numChunks; i++) {
      const stored = starts[i + 1]! - starts[i]!;
      const size = Math.min(cs, usize - i * cs);
      if (stored <= 0 || stored > size) throw corrupt(`${this.path}: chunk ${i} of the ${what} has ${stored} bytes stored for ${size}`);
    }

    // stored bytes never exceed the resource's: small files get small buffers
    const input = new Uint8Array(Math.min(Math.max(batchBytes, cs), dataBytes));
    const output = new Uint8Array(Math.min(cs, usize));
    const dataStart = r.offset_in_wim + tableBytes;
    for (let first = 0; first < numChunks; ) {
      cancelled();
      // a batch: whole chunks, about 1 MiB of stored bytes
      let last = first + 1;
      while (last < numChunks && starts[last + 1]! - starts[first]! <= input.length) last++;
      const batch = await this.readAt(input, starts[last]! - starts[first]!, dataStart + starts[first]!);
      for (let i = first; i < last; i++) {
        const stored = batch.subarray(starts[i]! - starts[first]!, starts[i + 1]! - starts[first]!);
        const size = Math.min(cs, usize - i * cs);
        if (stored.length === size) {
          yield stored;
          continue;
        }
        const out = output.subarray(0, size);
        decoder.decompress(stored, out);
        yield out;
      }
      first = last;
    }
  }

  /** A whole (small) resource in memory: XML, blob table, metadata. `maxBytes` caps hostile sizes. */
  async readAll(r: Reshdr, what: string, maxBytes: number): Promise<Uint8Array> {
    if (r.uncompressed_size > maxBytes) throw corrupt(`${this.path}: the ${what} claims ${r.uncompressed_size} bytes (at most ${maxBytes} expected)`);
    // filled as chunks arrive, so what is allocated follows what really decompressed
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.chunks(r, what)) {
      parts.push(chunk.slice());
      total += chunk.length;
    }
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

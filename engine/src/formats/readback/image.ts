/**
 * A media image (an ISO, a disk image file, a raw disk) opened read-only for the readers. Every
 * read is bounded by the image size and checked for a short read, so a truncated or lying image
 * gives CMTSMEDIA_E_MEDIAUNREADABLE, never a read past the end.
 */
import { close, fstat, open, read } from 'node:fs';
import { CmTsError, fromSystemError } from '../../errors/index.js';

export class MediaImage {
  private constructor(
    private readonly fd: number,
    readonly path: string,
    readonly sizeBytes: number,
    /** A disk device reads whole aligned blocks only (Windows raw disks; 4096 covers 4Kn sectors). */
    private readonly alignBytes: number,
  ) {}

  /** Opens a file or a disk device (its size found by probing reads: stat says 0 for a device). */
  static async open(path: string): Promise<MediaImage> {
    const fd = await new Promise<number>((resolve, reject) => open(path, 'r', (err, f) => (err ? reject(fromSystemError(err, path)) : resolve(f))));
    try {
      const info = await new Promise<import('node:fs').Stats>((resolve, reject) => fstat(fd, (err, s) => (err ? reject(fromSystemError(err, path)) : resolve(s))));
      if (info.isDirectory()) throw unreadable(`${path} is a folder`);
      if (info.isFile()) return new MediaImage(fd, path, info.size, 1);
      return new MediaImage(fd, path, await deviceSize(fd), deviceAlignBytes);
    } catch (err) {
      close(fd, () => undefined);
      throw err;
    }
  }

  /** Reads exactly `length` bytes at `position` (into `target` when given). */
  async read(position: number, length: number, target?: Uint8Array): Promise<Uint8Array> {
    if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0 || position + length > this.sizeBytes) {
      throw unreadable(`${this.path}: a read of ${length} bytes at ${position} is outside the ${this.sizeBytes}-byte image`);
    }
    const out = target ?? new Uint8Array(length);
    if (this.alignBytes > 1 && (position % this.alignBytes !== 0 || length % this.alignBytes !== 0)) {
      const start = position - (position % this.alignBytes);
      const end = Math.min(this.sizeBytes, Math.ceil((position + length) / this.alignBytes) * this.alignBytes);
      const block = new Uint8Array(end - start);
      await this.readExactly(start, block);
      out.set(block.subarray(position - start, position - start + length));
      return out;
    }
    await this.readExactly(position, out.subarray(0, length));
    return out;
  }

  private async readExactly(position: number, out: Uint8Array): Promise<void> {
    let done = 0;
    while (done < out.length) {
      const n = await new Promise<number>((resolve, reject) => {
        read(this.fd, out, done, out.length - done, position + done, (err, bytesRead) => (err ? reject(fromSystemError(err, this.path)) : resolve(bytesRead)));
      });
      if (n === 0) throw unreadable(`${this.path} ends at byte ${position + done}, before the ${this.sizeBytes} bytes it had`);
      done += n;
    }
  }

  close(): void {
    close(this.fd, () => undefined);
  }
}

const deviceAlignBytes = 4096;

/** The typed error of every reader: the media's structures do not hold together. */
export function unreadable(detail: string, data?: Record<string, unknown>): CmTsError {
  return new CmTsError('CMTSMEDIA_E_MEDIAUNREADABLE', detail, data);
}

/** A disk's size in whole 512-byte sectors: read sectors at doubling positions, then bisect (no ioctl from Node). */
async function deviceSize(fd: number): Promise<number> {
  const probe = Buffer.alloc(512);
  const readable = (sector: number): Promise<boolean> =>
    new Promise((resolve) => read(fd, probe, 0, 512, sector * 512, (err, n) => resolve(!err && n === 512)));
  let low = 0; // sectors known readable
  let high = 1;
  while (await readable(high - 1)) {
    low = high;
    high *= 2;
    if (high > 2 ** 41) break;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await readable(mid - 1)) low = mid;
    else high = mid;
  }
  return low * 512;
}

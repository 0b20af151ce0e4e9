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
  ) {}

  /** Opens a file or a block device (its size from the end of the device when stat says 0). */
  static async open(path: string): Promise<MediaImage> {
    const fd = await new Promise<number>((resolve, reject) => open(path, 'r', (err, f) => (err ? reject(fromSystemError(err, path)) : resolve(f))));
    try {
      const info = await new Promise<import('node:fs').Stats>((resolve, reject) => fstat(fd, (err, s) => (err ? reject(fromSystemError(err, path)) : resolve(s))));
      const sizeBytes = info.isBlockDevice() ? await deviceSize(fd) : info.size;
      return new MediaImage(fd, path, sizeBytes);
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
    let done = 0;
    while (done < length) {
      const n = await new Promise<number>((resolve, reject) => {
        read(this.fd, out, done, length - done, position + done, (err, bytesRead) => (err ? reject(fromSystemError(err, this.path)) : resolve(bytesRead)));
      });
      if (n === 0) throw unreadable(`${this.path} ends at byte ${position + done}, before the ${this.sizeBytes} bytes it had`);
      done += n;
    }
    return out;
  }

  close(): void {
    close(this.fd, () => undefined);
  }
}

/** The typed error of every reader: the media's structures do not hold together. */
export function unreadable(detail: string, data?: Record<string, unknown>): CmTsError {
  return new CmTsError('CMTSMEDIA_E_MEDIAUNREADABLE', detail, data);
}

/** A block device's size: read at doubling offsets, then bisect (no ioctl from Node). */
async function deviceSize(fd: number): Promise<number> {
  const probe = Buffer.alloc(1);
  const readable = (position: number): Promise<boolean> =>
    new Promise((resolve) => read(fd, probe, 0, 1, position, (err, n) => resolve(!err && n === 1)));
  let low = 0;
  let high = 512;
  while (await readable(high - 1)) {
    low = high;
    high *= 2;
    if (high > 2 ** 50) break;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await readable(mid - 1)) low = mid;
    else high = mid;
  }
  return low;
}

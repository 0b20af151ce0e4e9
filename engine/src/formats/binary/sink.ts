/**
 * The sequential sink: bytes in file order, through two fixed buffers (one fills while the other is
 * written), so memory does not grow with the output and a slow disk holds the producer back.
 * Producers that read from disk fill the buffer in place (writable + advance): no extra copy, and
 * the read of one buffer overlaps the write of the other.
 */
import { CmTsError, fromSystemError } from '../../errors/index.js';

/** Where a sink's bytes go (a FileHandle, a raw device): positional writes only. */
export interface SinkTarget {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
}

/** Two of these per sink; 4 MiB writes cost a quarter of the system calls of 1 MiB ones and keep RSS small. */
export const defaultSinkBufferBytes = 4 << 20;

export class SequentialSink {
  private buffers: [Uint8Array, Uint8Array];
  private fill = 0;
  private flushedBytes = 0;
  private pending: Promise<void> | null = null;

  /** `label` names the destination in error messages. */
  constructor(
    private readonly target: SinkTarget,
    private readonly label: string,
    bufferBytes = defaultSinkBufferBytes,
    private readonly startPosition = 0,
  ) {
    this.buffers = [new Uint8Array(bufferBytes), new Uint8Array(bufferBytes)];
  }

  /** Bytes accepted so far (relative to the start position). */
  get position(): number {
    return this.flushedBytes + this.fill;
  }

  private get current(): Uint8Array {
    return this.buffers[0];
  }

  /** Copies `bytes` in; the caller may reuse its array as soon as the promise settles. */
  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      if (this.fill === this.current.length) await this.rotate();
      const n = Math.min(bytes.length - done, this.current.length - this.fill);
      this.current.set(bytes.subarray(done, done + n), this.fill);
      this.fill += n;
      done += n;
    }
  }

  async zeros(count: number): Promise<void> {
    while (count > 0) {
      if (this.fill === this.current.length) await this.rotate();
      const n = Math.min(count, this.current.length - this.fill);
      this.current.fill(0, this.fill, this.fill + n);
      this.fill += n;
      count -= n;
    }
  }

  /** Zero-fills up to the next multiple of `blockBytes`. */
  async pad(blockBytes: number): Promise<void> {
    const rest = this.position % blockBytes;
    if (rest) await this.zeros(blockBytes - rest);
  }

  /**
   * A zeroed window of the next `length` output bytes inside the buffer, for encoding a structure in
   * place without allocating. Valid until the next call on the sink.
   */
  async take(length: number): Promise<Uint8Array> {
    if (length > this.current.length) throw new CmTsError('E_UNEXPECTED', `take(${length}) exceeds the sink buffer`);
    if (this.fill + length > this.current.length) await this.rotate();
    const window = this.current.subarray(this.fill, this.fill + length);
    window.fill(0);
    this.fill += length;
    return window;
  }

  /**
   * A window of at most `maxBytes` at the current position inside the buffer (fewer where the
   * buffer ends), not zeroed, for a producer that reads straight into it; `advance` then accepts
   * the bytes it filled. Window bytes past what is accepted are never written out as they are:
   * whatever comes next overwrites them. Valid until the next call on the sink.
   */
  async writable(maxBytes: number): Promise<Uint8Array> {
    if (this.fill === this.current.length) await this.rotate();
    return this.current.subarray(this.fill, this.fill + Math.min(maxBytes, this.current.length - this.fill));
  }

  /** Accepts `bytes` filled into the window that `writable` gave. */
  advance(bytes: number): void {
    if (!Number.isInteger(bytes) || bytes < 0 || this.fill + bytes > this.current.length) {
      throw new CmTsError('E_UNEXPECTED', `advance(${bytes}) past the sink buffer`);
    }
    this.fill += bytes;
  }

  /** Asserts the position at a section's end (libisofs style): a layout bug never yields a shifted image. */
  expect(position: number, section: string): void {
    if (this.position !== position) {
      throw new CmTsError('E_UNEXPECTED', `${section} ends at byte ${this.position}, planned ${position}`);
    }
  }

  /** Writes out everything accepted so far. */
  async flush(): Promise<void> {
    if (this.fill > 0) await this.rotate();
    await this.settle();
  }

  private async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    if (pending) await pending;
  }

  private async rotate(): Promise<void> {
    await this.settle();
    const full = this.buffers[0];
    const length = this.fill;
    const position = this.startPosition + this.flushedBytes;
    this.pending = this.writeAll(full, length, position);
    // keep a rejection from being reported as unhandled before settle() awaits it
    this.pending.catch(() => undefined);
    this.buffers = [this.buffers[1], full];
    this.flushedBytes += length;
    this.fill = 0;
  }

  private async writeAll(buffer: Uint8Array, length: number, position: number): Promise<void> {
    let done = 0;
    try {
      while (done < length) {
        const { bytesWritten } = await this.target.write(buffer, done, length - done, position + done);
        if (bytesWritten === 0) throw new CmTsError('E_DISKFULL', this.label);
        done += bytesWritten;
      }
    } catch (err) {
      throw fromSystemError(err, this.label);
    }
  }
}

/**
 * Writing one destination (docs/architecture.md): a file appears only when complete and flushed (a
 * temporary file beside it, renamed into place), a disk device is written in place and made valid
 * last. The producer (an ISO, a FAT disk: formats/) writes through one sequential sink and knows
 * nothing of files, devices or clean-up; whatever ends the write, the temporary file is gone or the
 * device closed before this returns.
 */
import type { FileHandle } from 'node:fs/promises';
import { CmTsError, fromSystemError } from '../errors/index.js';
import { defaultSinkBufferBytes, SequentialSink, type SinkOptions, type SinkTarget, writeFully } from '../formats/binary/index.js';
import { createAtomicOutput } from './atomic-file.js';
import { closeDevice, openDevice } from './device.js';

export type OutputTarget =
  /** A regular file of `sizeBytes`: new, or replacing an existing one only with `force`. */
  | { kind: 'file'; path: string; sizeBytes: number; force: boolean; onTemporaryFile?: ((path: string) => void) | undefined }
  /** A disk device of `sizeBytes`, checked safe to write before (usb/device.ts). */
  | { kind: 'device'; path: string; sizeBytes: number };

export interface OutputOptions {
  signal?: AbortSignal | undefined;
  /** Bytes written so far, after each write the sink makes (one per buffer) and once at the end; the receiver throttles. */
  onProgress?: ((doneBytes: number) => void) | undefined;
  /** The sink's buffer size (two are used). */
  bufferBytes?: number;
}

/** What a producer may hand back when its stream is written: bytes for offset 0 that make the media valid, written last (a disk's MBR). */
export interface OutputEnd {
  head?: Uint8Array;
}

export type Producer = (sink: SequentialSink) => Promise<OutputEnd | void>;

/**
 * A file goes to disk while it is made (binary/sink.ts, writeBehind); the final fsync then waits for
 * the last part only. Measured (bench/cases/10-iso.mjs, median of 5): 1 GiB 0.69 s with 64 MiB,
 * 0.65 s with 16 MiB, 0.75 s with 8 MiB; 2,000 small files (40 MB) 0.29 / 0.21 / 0.23 s.
 */
const writeBehindBytes = 16 * 2 ** 20;
/** The last MiB of a device is zeroed where the media do not reach: it holds a backup GPT that would otherwise outlive the MBR. */
const tailWipeBytes = 1 << 20;

interface Opened {
  readonly handle: FileHandle;
  readonly sinkOptions: SinkOptions;
  /** After the stream is flushed: the head written, everything synced, the file renamed into place or the device closed. */
  finish(head: Uint8Array | undefined, streamEnd: number): Promise<void>;
  /** Never throws. */
  abort(): Promise<void>;
}

/** Writes `target` with what `produce` puts into the sink; returns the stream's length in bytes. */
export async function writeOutput(target: OutputTarget, options: OutputOptions, produce: Producer): Promise<{ bytesWritten: number }> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new CmTsError('E_CANCELLED');
  const opened = target.kind === 'file' ? await openFile(target) : await openDeviceTarget(target);
  try {
    const sink = new SequentialSink(watched(opened.handle, options), target.path, options.bufferBytes ?? defaultSinkBufferBytes, 0, opened.sinkOptions);
    const end = await produce(sink);
    await sink.flush();
    const bytesWritten = sink.position;
    if (bytesWritten > target.sizeBytes) throw new CmTsError('E_UNEXPECTED', `${bytesWritten} bytes written to ${target.path}, planned ${target.sizeBytes}`);
    if (signal?.aborted) throw new CmTsError('E_CANCELLED');
    await opened.finish(end?.head, bytesWritten);
    onProgress?.(bytesWritten);
    return { bytesWritten };
  } catch (err) {
    await opened.abort();
    if (signal?.aborted) throw new CmTsError('E_CANCELLED', '', undefined, { cause: err });
    throw fromSystemError(err, target.path);
  }
}

/** The handle as the sink's target: a canceled write stops at the next buffer, and each write reports progress. */
function watched(handle: FileHandle, { signal, onProgress }: OutputOptions): SinkTarget {
  return {
    async write(buffer, offset, length, position) {
      signal?.throwIfAborted();
      const written = await handle.write(buffer, offset, length, position);
      onProgress?.(position + written.bytesWritten);
      return written;
    },
  };
}

/**
 * A new file at its full size: a range never written reads as zeros, so the sink skips buffers of
 * zeros (binary/sink.ts `newFile`), and a disk image's free space is never written.
 */
async function openFile(target: Extract<OutputTarget, { kind: 'file' }>): Promise<Opened> {
  const output = await createAtomicOutput(target.path, { force: target.force, ...(target.onTemporaryFile ? { onTemporaryFile: target.onTemporaryFile } : {}) });
  const { handle } = output;
  try {
    await handle.truncate(target.sizeBytes);
  } catch (err) {
    await output.abort();
    throw fromSystemError(err, target.path);
  }
  return {
    handle,
    sinkOptions: { newFile: true, writeBehind: { everyBytes: writeBehindBytes, datasync: () => handle.datasync() } },
    async finish(head) {
      if (head) await writeFully(handle, head, 0, target.path);
      await output.commit();
    },
    abort: () => output.abort(),
  };
}

/** A device keeps whatever lies where the media do not reach, except its last MiB (tailWipeBytes). */
async function openDeviceTarget(target: Extract<OutputTarget, { kind: 'device' }>): Promise<Opened> {
  const handle = await openDevice(target.path);
  return {
    handle,
    sinkOptions: {},
    async finish(head, streamEnd) {
      const deviceEnd = target.sizeBytes - (target.sizeBytes % 512);
      const tailStart = Math.max(streamEnd, deviceEnd - tailWipeBytes);
      if (tailStart < deviceEnd) await writeFully(handle, new Uint8Array(deviceEnd - tailStart), tailStart, target.path);
      if (head) await writeFully(handle, head, 0, target.path);
      await handle.sync();
      await closeDevice(handle, target.path);
    },
    abort: () => closeDevice(handle, target.path),
  };
}

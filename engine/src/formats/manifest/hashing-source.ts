/**
 * A FileSource that computes the SHA-256 of the bytes it hands to a writer, whichever way the
 * writer reads it (open, openReader, readStartSync). The digest is of the last complete stream;
 * a stream that read out of order or stopped early leaves no digest, and asking for it is a bug.
 *
 * Hashing runs on the main thread, overlapped with the I/O (docs/performance.md "Hashing"): a
 * positional read's bytes are hashed when the next read has been started (or at close), so the
 * thread pool writes the previous piece (and reads the next, unless the main thread just did:
 * sources.ts readThreadFor) while the main thread hashes. No copy of the bytes, no worker isolate
 * (15-20 MiB of RSS). A stream through open() is hashed while its consumer writes the chunk
 * (setImmediate), before the next chunk is read.
 */
import { createHash, type Hash } from 'node:crypto';
import { CmTsError } from '../../errors/index.js';
import { isPositionalSource, type PositionalReader, type PositionalSource } from '../sources.js';
import type { FileSource } from '../tree.js';

const emptySha256 = createHash('sha256').digest('hex');

export interface HashingSource extends FileSource {
  /** The lowercase hex SHA-256 of the last complete stream (an empty file needs none). */
  sha256(): Promise<string>;
}

/** True when the two views share bytes of one buffer. */
function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;
}

export function hashingSource(inner: FileSource): HashingSource {
  const { sizeBytes, origin } = inner;
  if (inner.knownSha256) return knownDigestSource(inner, inner.knownSha256.bind(inner));
  let digest: string | null = sizeBytes === 0 ? emptySha256 : null;
  // Each stream counts what it hashed; only one that saw exactly sizeBytes in order sets the digest.
  const track = () => {
    let hash: Hash | null = null;
    let hashedBytes = 0;
    let inOrder = true;
    return {
      take(bytes: Uint8Array, position: number): void {
        if (position !== hashedBytes) inOrder = false;
        const useful = bytes.subarray(0, Math.max(0, Math.min(bytes.length, sizeBytes - position)));
        if (!inOrder || useful.length === 0) return;
        hashedBytes += useful.length;
        (hash ??= createHash('sha256')).update(useful);
        if (hashedBytes === sizeBytes) digest = hash.digest('hex');
      },
    };
  };
  const base: HashingSource = {
    sizeBytes,
    origin,
    async *open(signal?: AbortSignal) {
      const t = track();
      let position = 0;
      for await (const chunk of inner.open(signal)) {
        // hashed in the event loop's check phase, after the consumer has started writing the chunk
        // (a UFD volume copy: usb/volume.ts), and before the next chunk may overwrite it
        const at = position;
        const hashed = new Promise<void>((resolve) => setImmediate(() => resolve(t.take(chunk, at))));
        position += chunk.length;
        yield chunk;
        await hashed;
      }
    },
    sha256() {
      if (!digest) return Promise.reject(new CmTsError('E_UNEXPECTED', `${origin} was not written in full before the manifest`));
      return Promise.resolve(digest);
    },
  };
  if (!isPositionalSource(inner)) return base;
  const positional: HashingSource & PositionalSource = {
    ...base,
    async openReader(): Promise<PositionalReader> {
      const reader = await inner.openReader();
      const t = track();
      // the last read's bytes, not hashed yet: the caller leaves them alone until its next read or close
      let held: { bytes: Uint8Array; position: number } | null = null;
      const hashHeld = (): void => {
        if (held) t.take(held.bytes, held.position);
        held = null;
      };
      return {
        async read(target, position) {
          // a read into the held bytes' memory would overwrite them: hash them first
          if (held && overlaps(held.bytes, target)) hashHeld();
          const reading = reader.read(target, position);
          hashHeld();
          const bytesRead = await reading;
          held = { bytes: target.subarray(0, bytesRead), position };
          return bytesRead;
        },
        close: () => {
          hashHeld();
          reader.close();
        },
      };
    },
  };
  if (inner.readStartSync) {
    const readStartSync = inner.readStartSync.bind(inner);
    positional.readStartSync = (target, expectBytes) => {
      const bytesRead = readStartSync(target, expectBytes);
      track().take(target.subarray(0, bytesRead), 0);
      return bytesRead;
    };
  }
  return positional;
}

/** A source whose digest is known: its bytes pass untouched (no hash, nothing held back). */
function knownDigestSource(inner: FileSource, known: () => Promise<string>): HashingSource {
  const source: HashingSource = { sizeBytes: inner.sizeBytes, origin: inner.origin, open: (signal) => inner.open(signal), sha256: known };
  if (!isPositionalSource(inner)) return source;
  const positional: HashingSource & PositionalSource = { ...source, openReader: () => inner.openReader() };
  return positional;
}

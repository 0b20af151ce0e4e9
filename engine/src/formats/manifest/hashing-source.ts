/**
 * A FileSource that computes the SHA-256 of the bytes it hands to a writer, whichever way the
 * writer reads it (open, openReader, readStartSync). The digest is of the last complete stream;
 * a stream that read out of order or stopped early leaves no digest, and asking for it is a bug.
 */
import { createHash, type Hash } from 'node:crypto';
import { CmTsError } from '../../errors/index.js';
import { isPositionalSource, type PositionalReader, type PositionalSource } from '../sources.js';
import type { FileSource } from '../tree.js';
import { hashWorker } from './hash-worker.js';

/** Files at most this large are hashed on the main thread: a worker round trip costs more. */
export const mainThreadHashMaxBytes = 1 << 20;
const emptySha256 = createHash('sha256').digest('hex');

interface Stream {
  update(bytes: Uint8Array): void | Promise<void>;
  finish(): Promise<string>;
}

function newStream(sizeBytes: number): Stream {
  if (sizeBytes <= mainThreadHashMaxBytes) {
    const hash: Hash = createHash('sha256');
    return { update: (bytes) => void hash.update(bytes), finish: async () => hash.digest('hex') };
  }
  const worker = hashWorker();
  const id = worker.newStream();
  return { update: (bytes) => worker.update(id, bytes), finish: () => worker.digest(id) };
}

export interface HashingSource extends FileSource {
  /** The lowercase hex SHA-256 of the last complete stream (an empty file needs none). */
  sha256(): Promise<string>;
}

export function hashingSource(inner: FileSource): HashingSource {
  const { sizeBytes, origin } = inner;
  let digest: Promise<string> | null = sizeBytes === 0 ? Promise.resolve(emptySha256) : null;
  // Each stream counts what it hashed; only one that saw exactly sizeBytes in order sets the digest.
  const track = () => {
    const stream = newStream(sizeBytes);
    let hashedBytes = 0;
    let inOrder = true;
    return {
      async take(bytes: Uint8Array, position: number): Promise<void> {
        if (position !== hashedBytes) inOrder = false;
        const useful = bytes.subarray(0, Math.max(0, Math.min(bytes.length, sizeBytes - position)));
        if (!inOrder || useful.length === 0) return;
        hashedBytes += useful.length;
        await stream.update(useful);
        if (hashedBytes === sizeBytes) digest = stream.finish();
      },
      takeSync(bytes: Uint8Array): void {
        const useful = bytes.subarray(0, Math.min(bytes.length, sizeBytes));
        if (useful.length !== sizeBytes || sizeBytes > mainThreadHashMaxBytes) return;
        digest = Promise.resolve(createHash('sha256').update(useful).digest('hex'));
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
        await t.take(chunk, position);
        position += chunk.length;
        yield chunk;
      }
    },
    sha256() {
      if (!digest) return Promise.reject(new CmTsError('E_UNEXPECTED', `${origin} was not written in full before the manifest`));
      return digest;
    },
  };
  if (!isPositionalSource(inner)) return base;
  const positional: HashingSource & PositionalSource = {
    ...base,
    async openReader(): Promise<PositionalReader> {
      const reader = await inner.openReader();
      const t = track();
      return {
        async read(target, position) {
          const bytesRead = await reader.read(target, position);
          await t.take(target.subarray(0, bytesRead), position);
          return bytesRead;
        },
        close: () => reader.close(),
      };
    },
  };
  if (inner.readStartSync) {
    const readStartSync = inner.readStartSync.bind(inner);
    positional.readStartSync = (target, expectBytes) => {
      const bytesRead = readStartSync(target, expectBytes);
      track().takeSync(target.subarray(0, bytesRead));
      return bytesRead;
    };
  }
  return positional;
}

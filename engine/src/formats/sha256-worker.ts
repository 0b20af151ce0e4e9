/**
 * SHA-256 of a stream on a worker thread, so checking a boot image's content-library hash costs the
 * main thread a copy of each chunk (about a tenth of hashing it) instead of the hash itself
 * (docs/live-site.md, "Checking the content hash", has the measurements). Chunks travel as
 * transferred ArrayBuffers from a small pool and come back for reuse: at most `poolSize` chunks are
 * in flight, so a slow hash holds the reader back instead of queuing the file in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** The worker's code, evaluated (the engine is one bundled file; a worker file would not exist beside it). */
const workerCode = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
let hash = createHash('sha256');
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    hash.update(new Uint8Array(m.buffer, 0, m.length));
    parentPort.postMessage({ type: 'free', buffer: m.buffer }, [m.buffer]);
  } else if (m.type === 'digest') {
    parentPort.postMessage({ type: 'digest', hex: hash.digest('hex').toUpperCase() });
    hash = createHash('sha256');
  }
});
`;

/** An incremental SHA-256: `update` takes chunks the caller may reuse as soon as it resolves. */
export interface Sha256Stream {
  update(chunk: Uint8Array): Promise<void>;
  /** Uppercase hex; ends the stream. */
  digest(): Promise<string>;
  /** Ends the stream without a digest (after an error); never throws. */
  dispose(): void;
}

/** On the calling thread: the reference the worker is measured against, and the fallback for tiny inputs. */
export function inlineSha256(): Sha256Stream {
  const hash: Hash = createHash('sha256');
  return {
    update: async (chunk) => {
      hash.update(chunk);
    },
    digest: async () => hash.digest('hex').toUpperCase(),
    dispose: () => undefined,
  };
}

export function workerSha256(chunkBytes = 1 << 20, poolSize = 4): Sha256Stream {
  const worker = new Worker(workerCode, { eval: true });
  worker.unref();
  const free: ArrayBuffer[] = Array.from({ length: poolSize }, () => new ArrayBuffer(chunkBytes));
  let waitingForBuffer: ((buffer: ArrayBuffer) => void) | undefined;
  let waitingForDigest: ((hex: string) => void) | undefined;
  let failure: Error | undefined;
  const fail = (err: Error): void => {
    failure = err;
  };
  worker.on('error', fail);
  worker.on('message', (m: { type: 'free'; buffer: ArrayBuffer } | { type: 'digest'; hex: string }) => {
    if (m.type === 'free') {
      if (waitingForBuffer) {
        const resolve = waitingForBuffer;
        waitingForBuffer = undefined;
        resolve(m.buffer);
      } else {
        free.push(m.buffer);
      }
    } else {
      waitingForDigest?.(m.hex);
    }
  });
  const takeBuffer = (): Promise<ArrayBuffer> => {
    const buffer = free.pop();
    if (buffer) return Promise.resolve(buffer);
    return new Promise((resolve) => {
      waitingForBuffer = resolve;
    });
  };
  const send = async (chunk: Uint8Array): Promise<void> => {
    if (failure) throw failure;
    const buffer = await takeBuffer();
    new Uint8Array(buffer).set(chunk);
    worker.postMessage({ type: 'data', buffer, length: chunk.length }, [buffer]);
  };
  return {
    async update(chunk) {
      for (let at = 0; at < chunk.length; at += chunkBytes) await send(chunk.subarray(at, Math.min(chunk.length, at + chunkBytes)));
    },
    async digest() {
      if (failure) throw failure;
      const hex = await new Promise<string>((resolve, reject) => {
        waitingForDigest = resolve;
        worker.once('error', reject);
        worker.postMessage({ type: 'digest' });
      });
      void worker.terminate();
      return hex;
    },
    dispose() {
      void worker.terminate();
    },
  };
}

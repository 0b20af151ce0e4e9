/**
 * SHA-256 off the main thread (docs/readback.md "Hashing while writing"). The writer's main thread
 * reads a chunk, copies it into a pooled buffer and posts it; one worker thread hashes. Hashing on
 * the main thread cost 0.6 s per GiB on the reference VM, which the ISO writer would otherwise wait
 * for between reads. Buffers travel both ways as transferables; at most `maxInFlightBytes` are
 * queued, so memory stays bounded whatever the file size.
 */
import { Worker } from 'node:worker_threads';
import { CmTsError } from '../../errors/index.js';

/** The worker as a CommonJS script (eval): the single executable has no separate file to load. */
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.kind === 'chunk') {
    let h = hashes.get(m.id);
    if (!h) { h = createHash('sha256'); hashes.set(m.id, h); }
    h.update(new Uint8Array(m.buffer, 0, m.length));
    parentPort.postMessage({ kind: 'done', buffer: m.buffer, length: m.length }, [m.buffer]);
  } else {
    const h = hashes.get(m.id) || createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ kind: 'digest', id: m.id, digest: h.digest('hex') });
  }
});
`;

const maxInFlightBytes = 8 << 20;
const pooledBufferBytes = 1 << 20;

type Reply = { kind: 'done'; buffer: ArrayBuffer; length: number } | { kind: 'digest'; id: number; digest: string };

/** One worker thread shared by every stream of a process; it does not keep the process alive. */
export class HashWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private inFlightBytes = 0;
  private readonly pool: ArrayBuffer[] = [];
  private readonly digests = new Map<number, { resolve: (hex: string) => void; reject: (err: Error) => void }>();
  private drained: Array<() => void> = [];
  private failure: Error | null = null;

  constructor() {
    this.worker = new Worker(workerSource, { eval: true });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.receive(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`hash worker exited with code ${code}`)));
  }

  newStream(): number {
    return this.nextId++;
  }

  /** Queues a copy of `bytes`; resolves at once unless too much is queued (then when the worker caught up). */
  async update(id: number, bytes: Uint8Array): Promise<void> {
    this.check();
    for (let at = 0; at < bytes.length; at += pooledBufferBytes) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + pooledBufferBytes));
      while (this.inFlightBytes >= maxInFlightBytes) {
        await new Promise<void>((resolve) => this.drained.push(resolve));
        this.check();
      }
      const buffer = this.pool.pop() ?? new ArrayBuffer(pooledBufferBytes);
      new Uint8Array(buffer, 0, part.length).set(part);
      this.inFlightBytes += part.length;
      this.worker.ref(); // queued work keeps the process alive until hashed
      this.worker.postMessage({ kind: 'chunk', id, buffer, length: part.length }, [buffer]);
    }
  }

  /** The hex digest of everything sent for `id` (messages arrive in order, so after its last chunk). */
  digest(id: number): Promise<string> {
    this.check();
    return new Promise((resolve, reject) => {
      this.digests.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ kind: 'digest', id });
    });
  }

  private receive(reply: Reply): void {
    if (reply.kind === 'done') {
      this.inFlightBytes -= reply.length;
      if (this.pool.length < 8) this.pool.push(reply.buffer);
      const waiting = this.drained;
      this.drained = [];
      for (const resolve of waiting) resolve();
    } else {
      this.digests.get(reply.id)?.resolve(reply.digest);
      this.digests.delete(reply.id);
    }
    if (this.inFlightBytes === 0 && this.digests.size === 0) this.worker.unref();
  }

  private fail(err: Error): void {
    this.failure ??= new CmTsError('E_UNEXPECTED', `hashing the media files failed: ${err.message}`, undefined, { cause: err });
    for (const { reject } of this.digests.values()) reject(this.failure);
    this.digests.clear();
    for (const resolve of this.drained) resolve();
    this.drained = [];
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

let shared: HashWorker | null = null;
/** The process's hash worker, started on first use. */
export function hashWorker(): HashWorker {
  shared ??= new HashWorker();
  return shared;
}

/**
 * A file source whose bytes must have a known SHA-256: the hash is taken from the chunks the writer
 * already reads (one pass, no extra copy on disk), and the read that delivers the last byte fails
 * when the hash differs, so the writer aborts before its output is committed (docs/live-site.md,
 * "Checking the content hash"). Writers read sources front to back; a reader that skips or goes
 * back cannot be checked and is refused as a defect rather than passing unchecked.
 */
import { CmTsError } from '../errors/index.js';
import { inlineSha256, type Sha256Stream, workerSha256 } from './sha256-worker.js';
import type { PositionalReader, PositionalSource } from './sources.js';

export interface HashCheck {
  /** Uppercase hex SHA-256 the bytes must have. */
  readonly sha256: string;
  /** The error for a mismatch, given the hash the bytes had. */
  readonly mismatch: (actualSha256: string) => Error;
  /** Hash on a worker thread (default); false hashes on the calling thread. */
  readonly worker?: boolean;
}

/** Feeds a front-to-back read into a hash; `finish` compares once the last byte has passed. */
class Verifier {
  private hashedBytes = 0;
  private readonly hash: Sha256Stream;

  constructor(
    private readonly source: PositionalSource,
    private readonly check: HashCheck,
  ) {
    this.hash = check.worker === false ? inlineSha256() : workerSha256();
  }

  async feed(chunk: Uint8Array, position: number): Promise<void> {
    if (position !== this.hashedBytes) {
      this.hash.dispose();
      throw new CmTsError('E_UNEXPECTED', `${this.source.origin} was read at byte ${position} after byte ${this.hashedBytes}; its content hash can only be checked front to back`);
    }
    if (chunk.length === 0) return;
    await this.hash.update(chunk);
    this.hashedBytes += chunk.length;
    if (this.hashedBytes === this.source.sizeBytes) await this.finish();
  }

  private async finish(): Promise<void> {
    const actual = await this.hash.digest();
    if (actual !== this.check.sha256.toUpperCase()) throw this.check.mismatch(actual);
  }

  dispose(): void {
    this.hash.dispose();
  }
}

export function hashCheckedSource(inner: PositionalSource, check: HashCheck): PositionalSource {
  return {
    sizeBytes: inner.sizeBytes,
    origin: inner.origin,
    async openReader(): Promise<PositionalReader> {
      const reader = await inner.openReader();
      const verifier = new Verifier(inner, check);
      return {
        async read(target, position) {
          const bytesRead = await reader.read(target, position);
          // Bytes beyond the planned size are the writer's growth probe: the writer reports them.
          await verifier.feed(target.subarray(0, Math.min(bytesRead, Math.max(0, inner.sizeBytes - position))), position);
          return bytesRead;
        },
        close() {
          verifier.dispose();
          reader.close();
        },
      };
    },
    async *open(signal?: AbortSignal): AsyncGenerator<Uint8Array> {
      const verifier = new Verifier(inner, check);
      let position = 0;
      try {
        for await (const chunk of inner.open(signal)) {
          await verifier.feed(chunk.subarray(0, Math.max(0, Math.min(chunk.length, inner.sizeBytes - position))), position);
          position += chunk.length;
          yield chunk;
        }
      } finally {
        verifier.dispose();
      }
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { hashCheckedSource } from '../../../engine/src/formats/hash-checked-source.js';
import { diskFileSource } from '../../../engine/src/formats/sources.js';
import { inlineSha256, workerSha256 } from '../../../engine/src/formats/sha256-worker.js';

const scratch = mkdtempSync(join(tmpdir(), 'cmts-hashsrc-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// 3.5 MiB: more chunks than the worker's pool holds, and a last chunk shorter than the others.
const bytes = randomBytes(3.5 * 2 ** 20);
const file = join(scratch, 'data.bin');
writeFileSync(file, bytes);
const sha256 = createHash('sha256').update(bytes).digest('hex').toUpperCase();
const mismatch = (actual: string) => new CmTsError('CMTSMEDIA_E_CONTENTHASH', actual);

async function readAll(source: Awaited<ReturnType<typeof diskFileSource>>, windowBytes: number): Promise<Buffer> {
  const reader = await source.openReader();
  const parts: Buffer[] = [];
  try {
    for (let position = 0; ; ) {
      const target = new Uint8Array(Math.min(windowBytes, source.sizeBytes - position + 1));
      const n = await reader.read(target, position);
      if (n === 0) break;
      parts.push(Buffer.from(target.subarray(0, n)));
      position += n;
      target.fill(0); // the writer reuses its buffer: the hash must have copied what it needed
    }
  } finally {
    reader.close();
  }
  return Buffer.concat(parts);
}

describe('SHA-256 streams', () => {
  it.each([['worker', workerSha256(256 << 10, 2)], ['inline', inlineSha256()]])('%s hashes what it is given, chunk by chunk', async (_name, stream) => {
    for (let at = 0; at < bytes.length; at += 700_001) await stream.update(bytes.subarray(at, at + 700_001));
    expect(await stream.digest()).toBe(sha256);
  });
});

describe('hashCheckedSource', () => {
  it.each([true, false])('passes the bytes through unchanged when they match (worker %s)', async (worker) => {
    const source = hashCheckedSource(await diskFileSource(file), { sha256, mismatch, worker });
    expect((await readAll(source, 512 << 10)).equals(bytes)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const chunk of source.open()) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('fails the read that delivers the last byte when the hash differs', async () => {
    const wrong = '0'.repeat(64);
    const source = hashCheckedSource(await diskFileSource(file), { sha256: wrong, mismatch });
    const err = await readAll(source, 512 << 10).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CmTsError);
    expect((err as CmTsError).code).toBe('CMTSMEDIA_E_CONTENTHASH');
    expect((err as CmTsError).detail).toBe(sha256);
    const viaOpen = await (async () => {
      for await (const _chunk of source.open()) void _chunk;
    })().then(() => undefined, (e: unknown) => e);
    expect((viaOpen as CmTsError).detail).toBe(sha256);
  });

  it('refuses a reader that skips bytes rather than leave them unchecked', async () => {
    const source = hashCheckedSource(await diskFileSource(file), { sha256, mismatch });
    const reader = await source.openReader();
    try {
      const err = await reader.read(new Uint8Array(16), 1024).then(() => undefined, (e: unknown) => e);
      expect((err as CmTsError).code).toBe('E_UNEXPECTED');
      expect((err as CmTsError).detail).toContain('was read at byte 1024 after byte 0');
    } finally {
      reader.close();
    }
  });
});

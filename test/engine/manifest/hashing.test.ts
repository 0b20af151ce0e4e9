/** hashingSource: the digest of what a writer streamed, whichever read path it took (formats/manifest/hashing-source.ts). */
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashingSource } from '../../../engine/src/formats/manifest/index.js';
import { bufferSource, diskFileSource, type PositionalSource } from '../../../engine/src/formats/sources.js';

const scratch = mkdtempSync(join(tmpdir(), 'cmts-hash-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const MiB = 1 << 20;

function file(bytes: number): { path: string; data: Buffer } {
  const data = randomFillSync(Buffer.alloc(bytes));
  const path = join(scratch, `f${bytes}`);
  writeFileSync(path, data);
  return { path, data };
}

describe('hashingSource', () => {
  it('hashes a large file through open() and through positional reads into one reused window', async () => {
    const { path, data } = file(5 * MiB + 12345);
    const viaOpen = hashingSource(await diskFileSource(path));
    for await (const chunk of viaOpen.open()) expect(chunk.length).toBeGreaterThan(0);
    expect(await viaOpen.sha256()).toBe(sha256(data));

    const viaReader = hashingSource(await diskFileSource(path)) as ReturnType<typeof hashingSource> & PositionalSource;
    const reader = await viaReader.openReader();
    const window = new Uint8Array(700_001); // odd windows, one byte past the end asked for, as copySourceToSink does
    for (let position = 0; position < data.length; ) position += await reader.read(window, position);
    reader.close();
    expect(await viaReader.sha256()).toBe(sha256(data));
  });

  it('hashes each read when the next one has started, as the sink reads: two buffers taking turns, windows filled in part', async () => {
    const { path, data } = file(3 * MiB + 777);
    const source = hashingSource(await diskFileSource(path)) as ReturnType<typeof hashingSource> & PositionalSource;
    const reader = await source.openReader();
    const buffers = [new Uint8Array(512 << 10), new Uint8Array(512 << 10)];
    let position = 0;
    let turn = 0;
    let fill = 100_000; // the first window starts inside its buffer, as after a directory record
    while (position < data.length) {
      const buffer = buffers[turn]!;
      const window = buffer.subarray(fill, Math.min(buffer.length, fill + data.length - position + 1));
      const n = await reader.read(window, position);
      position += n;
      fill += n;
      if (fill === buffer.length) {
        // the caller rotates: the other buffer is refilled only after this one is handed on,
        // and the full one is scribbled over only after the next read started
        turn ^= 1;
        fill = 0;
        buffers[turn]!.fill(0xee);
      }
    }
    reader.close();
    expect(position).toBe(data.length);
    expect(await source.sha256()).toBe(sha256(data));
  });

  it('hashes a small file read synchronously and a buffer', async () => {
    const { path, data } = file(1000);
    const small = hashingSource(await diskFileSource(path)) as ReturnType<typeof hashingSource> & PositionalSource;
    small.readStartSync!(new Uint8Array(1001), 1000);
    expect(await small.sha256()).toBe(sha256(data));
    const generated = hashingSource(bufferSource(data, 'generated'));
    for await (const _ of generated.open()) void _;
    expect(await generated.sha256()).toBe(sha256(data));
  });

  it('has no digest for a file read out of order or not to the end (E_UNEXPECTED), and one for an empty file', async () => {
    const { path } = file(3 * MiB);
    const source = hashingSource(await diskFileSource(path)) as ReturnType<typeof hashingSource> & PositionalSource;
    const reader = await source.openReader();
    await reader.read(new Uint8Array(4096), 4096);
    await reader.read(new Uint8Array(4096), 0);
    reader.close();
    await expect(source.sha256()).rejects.toMatchObject({ code: 'E_UNEXPECTED', detail: expect.stringContaining('was not written in full') });
    expect(await hashingSource(bufferSource(new Uint8Array(0), 'empty')).sha256()).toBe(sha256(new Uint8Array(0)));
  });
});

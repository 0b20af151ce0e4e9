/**
 * SequentialSink.writable/advance and copySourceToSink: disk files read straight into the sink's
 * buffer (small files synchronously, large ones on the main thread or the thread pool), byte-exact
 * against the source, and every way a file can change after it was measured.
 */
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SequentialSink, type SinkTarget } from '../../../engine/src/formats/binary/index.js';
import { bufferSource, copySourceToSink, diskFileSource, diskFileSourceSync, isPositionalSource, readThreadFor, syncReadMaxBytes } from '../../../engine/src/formats/sources.js';
import type { FileSource } from '../../../engine/src/formats/tree.js';

const work = mkdtempSync(join(tmpdir(), 'cmts-copy-source-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An in-memory target that records every write, as a disk would see it. */
function memoryTarget(capacity: number): SinkTarget & { bytes: Uint8Array; writes: number[] } {
  const t = {
    bytes: new Uint8Array(capacity),
    writes: [] as number[],
    async write(buffer: Uint8Array, offset: number, length: number, position: number) {
      t.writes.push(length);
      t.bytes.set(buffer.subarray(offset, offset + length), position);
      return { bytesWritten: length };
    },
  };
  return t;
}

function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

async function copyAll(sources: FileSource[], bufferBytes: number): Promise<{ out: Uint8Array; writes: number[] }> {
  const total = sources.reduce((sum, s) => sum + s.sizeBytes + 1, 0);
  const target = memoryTarget(total);
  const sink = new SequentialSink(target, 'mem', bufferBytes);
  for (const source of sources) {
    await copySourceToSink(source, source.sizeBytes, sink);
    await sink.zeros(1); // a separator: the probe byte past each file must not survive
  }
  await sink.flush();
  sink.expect(total, 'all');
  return { out: target.bytes, writes: target.writes };
}

describe('SequentialSink.writable / advance', () => {
  it('hands out the rest of the buffer, accepts what was filled, and rotates when full', async () => {
    const target = memoryTarget(16);
    const sink = new SequentialSink(target, 'mem', 8);
    await sink.write(Uint8Array.of(1, 2, 3));
    const a = await sink.writable(100);
    expect(a.length).toBe(5);
    a.set([4, 5, 99, 99, 99]);
    sink.advance(2); // the 99s are not accepted
    await sink.write(Uint8Array.of(6, 7, 8));
    const b = await sink.writable(3); // buffer full: rotates first
    expect(b.length).toBe(3);
    b.set([9, 10, 11]);
    sink.advance(3);
    expect(() => sink.advance(6)).toThrow(/past the sink buffer/);
    await sink.flush();
    expect([...target.bytes.subarray(0, 11)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(target.writes).toEqual([8, 3]);
  });
});

describe('copySourceToSink', () => {
  const sizes = [0, 1, 2047, 2048, 4095, syncReadMaxBytes, syncReadMaxBytes + 1, 3 * syncReadMaxBytes + 5];

  it.each(['main', 'pool'] as const)('copies disk files byte for byte, small (sync) and large (%s thread), across buffer boundaries', async (largeReads) => {
    const contents = sizes.map((n, i) => pattern(n, i + 1));
    const sources = await Promise.all(contents.map((bytes, i) => diskFileSource(file(`f${i}.bin`, bytes), largeReads)));
    expect(sources.every(isPositionalSource)).toBe(true);
    const expected = new Uint8Array(contents.reduce((sum, c) => sum + c.length + 1, 0));
    let at = 0;
    for (const c of contents) {
      expected.set(c, at);
      at += c.length + 1;
    }
    // buffer sizes that put file ends on, before and after buffer boundaries
    for (const bufferBytes of [4096, 4097, 65536, 1 << 20]) {
      const { out } = await copyAll(sources, bufferBytes);
      expect(Buffer.compare(out, expected), `buffer ${bufferBytes}`).toBe(0);
    }
  });

  it('gives the same bytes through the chunk iterator and for in-memory sources', async () => {
    const bytes = pattern(syncReadMaxBytes * 5 + 3, 9);
    const path = file('iter.bin', bytes);
    const chunks: Uint8Array[] = [];
    for await (const chunk of diskFileSourceSync(path).open()) chunks.push(chunk.slice());
    expect(Buffer.compare(Buffer.concat(chunks), bytes)).toBe(0);
    const { out } = await copyAll([bufferSource(bytes, 'mem')], 65536);
    expect(Buffer.compare(out.subarray(0, bytes.length), bytes)).toBe(0);
  });

  it.each(['main', 'pool'] as const)('a file that grew or shrank since it was measured is CMTSMEDIA_E_SOURCECHANGED (large reads: %s thread)', async (largeReads) => {
    for (const size of [100, 2048, syncReadMaxBytes + 100]) {
      for (const bufferBytes of [size, size + 1, 1 << 20]) {
        const grows = file('grows.bin', pattern(size, 3));
        const grown = await diskFileSource(grows, largeReads);
        appendFileSync(grows, 'x');
        await expect(copyAll([grown], bufferBytes), `grew, ${size}/${bufferBytes}`).rejects.toMatchObject({ code: 'CMTSMEDIA_E_SOURCECHANGED' });
        const shrinks = file('shrinks.bin', pattern(size, 4));
        const shrunk = diskFileSourceSync(shrinks);
        truncateSync(shrinks, size - 1);
        await expect(copyAll([shrunk], bufferBytes), `shrank, ${size}/${bufferBytes}`).rejects.toMatchObject({ code: 'CMTSMEDIA_E_SOURCECHANGED' });
      }
    }
    const liar: FileSource = { sizeBytes: 4, origin: 'liar', async *open() { yield new Uint8Array(8); } };
    await expect(copyAll([liar], 64)).rejects.toMatchObject({ code: 'CMTSMEDIA_E_SOURCECHANGED' });
  });

  it('a missing file is E_FILENOTFOUND naming it; a folder is E_INVALIDARG', async () => {
    const path = file('gone.bin', pattern(10, 5));
    const source = diskFileSourceSync(path);
    rmSync(path);
    await expect(copyAll([source], 64)).rejects.toMatchObject({ code: 'E_FILENOTFOUND', detail: path });
    expect(() => diskFileSourceSync(join(work, 'nothing'))).toThrow(expect.objectContaining({ code: 'E_FILENOTFOUND' }));
    expect(() => diskFileSourceSync(work)).toThrow(expect.objectContaining({ code: 'E_INVALIDARG' }));
  });

  it('stops with E_CANCELLED once the signal is aborted', async () => {
    const source = await diskFileSource(file('cancel.bin', pattern(syncReadMaxBytes * 2, 6)));
    const controller = new AbortController();
    controller.abort();
    const sink = new SequentialSink(memoryTarget(source.sizeBytes), 'mem', 4096);
    await expect(copySourceToSink(source, source.sizeBytes, sink, { signal: controller.signal })).rejects.toMatchObject({ code: 'E_CANCELLED' });
  });
});

describe('readThreadFor', () => {
  it.runIf(process.platform === 'linux')('reads a large file on a local Linux file system on the main thread, and anything else on the pool', async () => {
    const path = file('local.bin', pattern(syncReadMaxBytes * 2, 7));
    expect(await readThreadFor(path)).toBe('main'); // the test's temporary folder is on a local disk
    expect(await readThreadFor('/proc/self/status')).toBe('pool'); // procfs: not a file system of the list
    expect(await readThreadFor(join(work, 'missing'))).toBe('pool');
    // on the main thread the bytes are there when read() returns, before its promise is awaited
    const reader = await (await diskFileSource(path)).openReader();
    const target = new Uint8Array(16);
    const reading = reader.read(target, 0);
    expect(Buffer.compare(target, pattern(syncReadMaxBytes * 2, 7).subarray(0, 16))).toBe(0);
    expect(await reading).toBe(16);
    reader.close();
  });
});

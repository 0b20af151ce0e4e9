/**
 * SequentialSink options for a new file (zero buffers left as holes, write-behind syncs), its
 * synchronous fast paths, and copySmallSourceSync: the same bytes as the plain paths, with fewer
 * writes, and every failure still typed.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAllZero, SequentialSink, type SinkOptions, type SinkTarget } from '../../../engine/src/formats/binary/index.js';
import { copySmallSourceSync, copySourceToSink, diskFileSource, diskFileSourceSync, syncReadMaxBytes } from '../../../engine/src/formats/sources.js';

const work = mkdtempSync(join(tmpdir(), 'cmts-sink-newfile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A new file in memory at its full length: unwritten bytes stay zero; records writes. */
function newFileTarget(capacity: number): SinkTarget & { bytes: Uint8Array; writes: Array<[position: number, length: number]>; options: SinkOptions } {
  const t = {
    bytes: new Uint8Array(capacity),
    writes: [] as Array<[number, number]>,
    async write(buffer: Uint8Array, offset: number, length: number, position: number) {
      t.writes.push([position, length]);
      t.bytes.set(buffer.subarray(offset, offset + length), position);
      return { bytesWritten: length };
    },
    options: { newFile: true } as SinkOptions,
  };
  return t;
}

describe('isAllZero', () => {
  it('finds a single non-zero byte anywhere, and only within the length', () => {
    const bytes = new Uint8Array(4096);
    expect(isAllZero(bytes, 4096)).toBe(true);
    expect(isAllZero(bytes, 0)).toBe(true);
    for (const at of [0, 1, 2047, 4094, 4095]) {
      bytes[at] = 1;
      expect(isAllZero(bytes, 4096), `byte ${at}`).toBe(false);
      expect(isAllZero(bytes, at), `before ${at}`).toBe(true);
      bytes[at] = 0;
    }
    expect(isAllZero(bytes.subarray(1), 4095)).toBe(true);
  });
});

describe('SequentialSink on a new file', () => {
  it('skips all-zero buffers and whole buffers of zeros, up to the end', async () => {
    const t = newFileTarget(64);
    const sink = new SequentialSink(t, 'mem', 8, 0, t.options);
    await sink.write(Uint8Array.of(1, 2, 3));
    await sink.zeros(21); // fills buffer 0 (written), then 2 whole buffers skipped without filling
    await sink.write(new Uint8Array(8)); // a written buffer that happens to be all zeros: skipped
    await sink.write(Uint8Array.of(4));
    await sink.zeros(15);
    await sink.flush();
    sink.expect(48, 'all');
    expect(t.writes).toEqual([[0, 8], [32, 8]]);
    const expected = new Uint8Array(64);
    expected.set([1, 2, 3], 0);
    expected[32] = 4;
    expect([...t.bytes]).toEqual([...expected]);
  });

  it('a plain target still gets every zero written', async () => {
    const t = newFileTarget(32);
    const sink = new SequentialSink(t, 'mem', 8);
    await sink.zeros(20);
    await sink.flush();
    expect(t.writes.map(([, n]) => n)).toEqual([8, 8, 4]);
  });

  it('a real file: holes where the zeros were, the same bytes when read back', async () => {
    const path = join(work, 'sparse.bin');
    const handle = await open(path, 'wx');
    // as the output layer makes it (output/write-output.ts): at its full length before the first write
    await handle.truncate(1 + (32 << 20) + 1 + (4 << 20));
    const sink = new SequentialSink(handle, path, 1 << 16, 0, { newFile: true });
    await sink.write(Uint8Array.of(7));
    await sink.zeros(32 << 20);
    await sink.write(Uint8Array.of(8));
    await sink.zeros(4 << 20);
    await sink.flush();
    await handle.close();
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(1 + (32 << 20) + 1 + (4 << 20));
    expect(bytes[0]).toBe(7);
    expect(bytes[1 + (32 << 20)]).toBe(8);
    expect(isAllZero(bytes.subarray(1), 32 << 20)).toBe(true);
    // ext4, xfs, btrfs and tmpfs keep holes; the test is meaningless elsewhere
    if (statSync(path).blocks !== undefined) expect(statSync(path).blocks * 512).toBeLessThan(8 << 20);
  });

  it('write-behind: a data sync after every `everyBytes` written, never two at once; a failed one fails the sink', async () => {
    const run = async (slow: boolean): Promise<{ syncs: number; overlapped: boolean }> => {
      const t = newFileTarget(1 << 12);
      let syncs = 0;
      let running = 0;
      let overlapped = false;
      const sink = new SequentialSink(t, 'mem', 64, 0, {
        writeBehind: {
          everyBytes: 256,
          async datasync() {
            syncs++;
            if (running++) overlapped = true;
            await (slow ? new Promise((resolve) => setTimeout(resolve, 5)) : Promise.resolve());
            running--;
          },
        },
      });
      for (let i = 0; i < 32; i++) await sink.write(new Uint8Array(64).fill(i + 1));
      await sink.flush();
      expect(t.bytes[64 * 31]).toBe(32);
      return { syncs, overlapped };
    };
    // 2,048 bytes: a sync after every 4 buffers of 64, the last one started by flush's write
    expect(await run(false)).toEqual({ syncs: 8, overlapped: false });
    // a sync still running holds the next ones back: the producer never waits for it
    expect(await run(true)).toEqual({ syncs: 1, overlapped: false });

    const failing = new SequentialSink(newFileTarget(1 << 12), '/dest.iso', 64, 0, {
      writeBehind: { everyBytes: 64, datasync: async () => Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })) },
    });
    await expect((async () => {
      for (let i = 0; i < 16; i++) await failing.write(new Uint8Array(64).fill(1));
      await failing.flush();
    })()).rejects.toMatchObject({ code: 'E_DISKFULL', detail: '/dest.iso' });
  });
});

describe('SequentialSink synchronous paths', () => {
  it('roomBytes, takeSync, zerosSync, padSync and reserve keep the byte order of the async calls', async () => {
    const t = newFileTarget(64);
    const sink = new SequentialSink(t, 'mem', 16);
    expect(sink.capacityBytes).toBe(16);
    expect(sink.roomBytes).toBe(16);
    sink.takeSync(3).set([1, 2, 3]);
    sink.zerosSync(2);
    expect(sink.padSync(8)).toBe(true);
    expect(sink.position).toBe(8);
    expect(() => sink.takeSync(9)).toThrow(/past the sink buffer/);
    expect(() => sink.zerosSync(9)).toThrow(/past the sink buffer/);
    sink.writableSync(100).set([4, 4, 4, 4, 4, 4, 4, 4]);
    sink.advance(5);
    expect(sink.padSync(16)).toBe(true); // exactly fills the buffer
    expect(sink.roomBytes).toBe(0);
    expect(sink.writableSync(4).length).toBe(0);
    await sink.reserve(10); // rotates
    expect(sink.roomBytes).toBe(16);
    sink.takeSync(10).fill(9);
    await sink.reserve(6); // fits: no rotation
    expect(sink.roomBytes).toBe(6);
    await expect(sink.reserve(17)).rejects.toThrow(/exceeds the sink buffer/);
    await sink.flush();
    expect([...t.bytes.subarray(0, 26)]).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 0, 0, 0, ...Array(10).fill(9)]);
  });
});

describe('copySmallSourceSync', () => {
  const file = (name: string, size: number): string => {
    const path = join(work, name);
    writeFileSync(path, Uint8Array.from({ length: size }, (_, i) => (i * 7 + size) & 0xff));
    return path;
  };

  it('copies a small disk file that fits the room, and declines what it cannot do', async () => {
    const t = newFileTarget(1 << 20);
    const sink = new SequentialSink(t, 'mem', 4096);
    const small = diskFileSourceSync(file('small.bin', 1000));
    expect(copySmallSourceSync(small, 1000, sink)).toBe(true);
    expect(sink.position).toBe(1000);
    // 3,096 bytes left: a 3,095-byte file (+1 probe byte) fits, a 3,096-byte one does not
    expect(copySmallSourceSync(diskFileSourceSync(file('fits.bin', 3096)), 3096, sink)).toBe(false);
    expect(copySmallSourceSync(diskFileSourceSync(file('fits2.bin', 3095)), 3095, sink)).toBe(true);
    const large = await diskFileSource(file('large.bin', syncReadMaxBytes + 1));
    const roomy = new SequentialSink(newFileTarget(1 << 20), 'mem', 1 << 20);
    expect(copySmallSourceSync(large, large.sizeBytes, roomy)).toBe(false);
    await copySourceToSink(large, large.sizeBytes, roomy);
    expect(roomy.position).toBe(syncReadMaxBytes + 1);
    await sink.flush();
    expect(Buffer.compare(t.bytes.subarray(0, 1000), readFileSync(join(work, 'small.bin')))).toBe(0);
    expect(Buffer.compare(t.bytes.subarray(1000, 4095), readFileSync(join(work, 'fits2.bin')))).toBe(0);
  });

  it('a file that grew or shrank is CMTSMEDIA_E_SOURCECHANGED, a missing one E_FILENOTFOUND', () => {
    const sink = new SequentialSink(newFileTarget(1 << 16), 'mem', 1 << 16);
    const grows = file('grows.bin', 100);
    const grown = diskFileSourceSync(grows);
    appendFileSync(grows, 'x');
    expect(() => copySmallSourceSync(grown, 100, sink)).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_SOURCECHANGED' }));
    const shrinks = file('shrinks.bin', 100);
    const shrunk = diskFileSourceSync(shrinks);
    truncateSync(shrinks, 99);
    expect(() => copySmallSourceSync(shrunk, 100, sink)).toThrow(expect.objectContaining({ code: 'CMTSMEDIA_E_SOURCECHANGED' }));
    const gone = file('gone.bin', 10);
    const missing = diskFileSourceSync(gone);
    rmSync(gone);
    expect(() => copySmallSourceSync(missing, 10, sink)).toThrow(expect.objectContaining({ code: 'E_FILENOTFOUND', detail: gone }));
    expect(sink.position).toBe(0);
  });
});

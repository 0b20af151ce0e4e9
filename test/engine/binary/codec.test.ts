import { describe, expect, it } from 'vitest';
import * as binary from '../../../engine/src/formats/binary/index.js';
import * as eltorito from '../../../engine/src/formats/eltorito/index.js';
import * as iso9660 from '../../../engine/src/formats/iso9660/structures.js';
import * as joliet from '../../../engine/src/formats/joliet/index.js';
import { SequentialSink, type SinkTarget } from '../../../engine/src/formats/binary/index.js';

const { achars, decDateTime, dchars, recordingDateTime, table, u16both, u32both, u64le, ucs2be } = binary;

describe('codecs', () => {
  it('both-endian fields write LE then BE and refuse a mismatch on decode', () => {
    const b = new Uint8Array(8);
    u32both.encode(b, 0, 0x12345678);
    expect([...b]).toEqual([0x78, 0x56, 0x34, 0x12, 0x12, 0x34, 0x56, 0x78]);
    expect(u32both.decode(b, 0)).toBe(0x12345678);
    b[7] = 0;
    expect(() => u32both.decode(b, 0)).toThrow('both-endian field at +0: 305419896 != 305419776');
    const c = new Uint8Array(4);
    u16both.encode(c, 0, 2048);
    expect([...c]).toEqual([0x00, 0x08, 0x08, 0x00]);
    expect(() => u16both.encode(c, 0, 0x10000)).toThrow('value 65536 out of range 0..65535');
  });
  it('u64le holds sizes above 4 GiB', () => {
    const b = new Uint8Array(8);
    u64le.encode(b, 0, 5 * 2 ** 30 + 3);
    expect(u64le.decode(b, 0)).toBe(5 * 2 ** 30 + 3);
  });
  it('text fields pad and validate their character set', () => {
    const b = new Uint8Array(8);
    dchars(8).encode(b, 0, 'AB_1');
    expect(new TextDecoder().decode(b)).toBe('AB_1    ');
    expect(() => dchars(8).encode(b, 0, 'ab')).toThrow('"ab" has a character not allowed here');
    expect(() => dchars(2).encode(b, 0, 'ABC')).toThrow('"ABC" does not fit a 2-character field');
    achars(8).encode(b, 0, 'A B?');
    expect(() => achars(8).encode(b, 0, 'a')).toThrow('"a" has a character not allowed here');
    expect(achars(8).decode(b, 0)).toBe('A B?');
    const u = new Uint8Array(8);
    ucs2be(8).encode(u, 0, 'Ü');
    expect([...u]).toEqual([0x00, 0xdc, 0x00, 0x20, 0x00, 0x20, 0x00, 0x20]);
    expect(ucs2be(8).decode(u, 0)).toBe('Ü');
  });
  it('dates: ECMA-119 8.4.26.1 and 9.1.5, in UTC', () => {
    const when = new Date(Date.UTC(2024, 4, 17, 12, 34, 56, 780));
    const b = new Uint8Array(17);
    decDateTime.encode(b, 0, when);
    expect(new TextDecoder().decode(b.subarray(0, 16))).toBe('2024051712345678');
    expect(b[16]).toBe(0);
    expect(decDateTime.decode(b, 0)!.getTime()).toBe(when.getTime());
    decDateTime.encode(b, 0, null);
    expect(new TextDecoder().decode(b.subarray(0, 16))).toBe('0'.repeat(16));
    const r = new Uint8Array(7);
    recordingDateTime.encode(r, 0, when);
    expect([...r]).toEqual([124, 5, 17, 12, 34, 56, 0]);
  });
  it('a table must tile its declared size', () => {
    expect(() => table('gap', 4, { a: [0, binary.u8], b: [2, binary.u16le] })).toThrow(/expected 1/);
    expect(() => table('short', 4, { a: [0, binary.u16le] })).toThrow(/declared size 4/);
  });
});

describe('every declared table', () => {
  const tables = [binary, eltorito, iso9660, joliet].flatMap((m) => Object.values(m)).filter(
    (v): v is binary.Table<binary.FieldMap> => typeof v === 'object' && v !== null && 'fields' in v && 'sizeBytes' in v,
  );
  it('exists', () => expect(tables.length).toBeGreaterThanOrEqual(10));
  for (const t of tables) {
    it(`${t.name}: fields contiguous from 0 to ${t.sizeBytes}`, () => {
      const fields = Object.values(t.fields).sort((a, b) => a[0] - b[0]);
      let at = 0;
      for (const [offset, codec] of fields) {
        expect(offset).toBe(at);
        at += codec.sizeBytes;
      }
      expect(at).toBe(t.sizeBytes);
    });
  }
});

describe('SequentialSink', () => {
  function memoryTarget(): SinkTarget & { bytes: Uint8Array; writes: number } {
    const t = {
      bytes: new Uint8Array(64), writes: 0,
      async write(buffer: Uint8Array, offset: number, length: number, position: number) {
        t.writes++;
        // short writes: the sink must continue where the target stopped
        const n = Math.min(length, 5);
        t.bytes.set(buffer.subarray(offset, offset + n), position);
        return { bytesWritten: n };
      },
    };
    return t;
  }
  it('writes in order through small buffers, with zeros, take and pad', async () => {
    const target = memoryTarget();
    const sink = new SequentialSink(target, 'mem', 8);
    await sink.write(new Uint8Array([1, 2, 3]));
    await sink.zeros(6);
    (await sink.take(4)).set([9, 9, 9, 9]);
    await sink.write(Uint8Array.from({ length: 11 }, (_, i) => 20 + i));
    await sink.pad(16);
    sink.expect(32, 'all');
    expect(() => sink.expect(31, 'all')).toThrow(/planned 31/);
    await sink.flush();
    expect([...target.bytes.subarray(0, 32)]).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, ...Array.from({ length: 11 }, (_, i) => 20 + i), 0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('turns a failing target into a typed error', async () => {
    const sink = new SequentialSink({ write: async () => { throw Object.assign(new Error('no space'), { code: 'ENOSPC' }); } }, '/dest.iso', 4);
    await sink.write(new Uint8Array(4));
    await expect(sink.flush()).rejects.toMatchObject({ code: 'E_DISKFULL', detail: '/dest.iso' });
  });
});

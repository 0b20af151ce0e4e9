// LZX uncompressed blocks: wimlib's compressor never writes them, so they are crafted here
// ([MS-PATCH] 2.2.3.1.3: header bits, padding to 16 bits, R0-R2, raw bytes, a pad byte if odd).
import { describe, expect, it } from 'vitest';
import { LzxDecoder } from '../../../engine/src/formats/wim/lzx.js';
import { seededRandom } from '../../helpers/random.js';

const e8Size = 12_000_000;

/** The encoder's E8 translation (CALL rel32 -> absolute), which the decoder must undo. */
function translateE8(data: Uint8Array): Uint8Array {
  const d = Uint8Array.from(data);
  const v = new DataView(d.buffer);
  for (let i = 0; i < d.length - 10; i++) {
    if (d[i] !== 0xe8) continue;
    const rel = v.getInt32(i + 1, true);
    if (rel >= -i && rel < e8Size) v.setInt32(i + 1, rel < e8Size - i ? rel + i : rel - e8Size, true);
    i += 4;
  }
  return d;
}

class BitWriter {
  private readonly out: number[] = [];
  private word = 0;
  private n = 0;
  bits(value: number, count: number): this {
    for (let i = count - 1; i >= 0; i--) {
      this.word = (this.word << 1) | ((value >> i) & 1);
      if (++this.n === 16) this.flush();
    }
    return this;
  }
  private flush(): void {
    this.out.push(this.word & 0xff, this.word >> 8);
    this.word = 0;
    this.n = 0;
  }
  /** 1-16 bits of padding: an aligned stream gets a whole word. */
  align(): this {
    return this.bits(0, 16 - this.n);
  }
  raw(bytes: Uint8Array | number[]): this {
    if (this.n !== 0) throw new Error('not aligned');
    this.out.push(...bytes);
    return this;
  }
  get bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** Uncompressed blocks of the given sizes (explicit sizes; windowOrder >= 16 adds 8 size bits). */
function uncompressedChunk(data: Uint8Array, sizes: number[], windowOrder: number): Uint8Array {
  const w = new BitWriter();
  let at = 0;
  for (const size of sizes) {
    w.bits(3, 3);
    if (size === 32768) w.bits(1, 1);
    else {
      w.bits(0, 1);
      if (windowOrder >= 16) w.bits(size >> 8, 16).bits(size & 0xff, 8);
      else w.bits(size, 16);
    }
    w.align().raw([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]).raw(data.subarray(at, at + size));
    if (size & 1) w.raw([0]);
    at += size;
  }
  return w.bytes;
}

function sample(size: number, seed: number): Uint8Array {
  const r = seededRandom(seed);
  const d = new Uint8Array(size);
  for (let i = 0; i < size; i++) d[i] = r() < 0.05 ? 0xe8 : Math.floor(r() * 256);
  return d;
}

describe('LZX uncompressed blocks', () => {
  const cases: Array<[string, number, number[], number]> = [
    ['one even block', 1000, [1000], 32768],
    ['odd + odd blocks (pad byte)', 1000, [777, 223], 32768],
    ['a default-size block then a short one', 40000, [32768, 7232], 65536],
    ['three blocks in a 2 MiB window', 100001, [50000, 1, 50000], 1 << 21],
  ];
  for (const [name, size, sizes, window] of cases) {
    it(name, () => {
      const original = sample(size, size);
      const order = Math.log2(window);
      const input = uncompressedChunk(translateE8(original), sizes, order);
      const out = new Uint8Array(size);
      new LzxDecoder(window).decompress(input, out);
      expect(Buffer.from(out).equals(Buffer.from(original))).toBe(true);
    });
  }

  it('rejects a zero recent offset and a block past the end', () => {
    const d = sample(100, 1);
    const good = uncompressedChunk(d, [100], 15);
    const zeroR0 = Uint8Array.from(good);
    zeroR0.fill(0, 4, 8); // R0 follows 3+1+16 header bits padded to 32 bits
    const corrupt = (detail: string) => expect.objectContaining({ code: 'CMTSMEDIA_E_WIMCORRUPT', detail: `bad LZX chunk: ${detail}` });
    expect(() => new LzxDecoder(32768).decompress(zeroR0, new Uint8Array(100))).toThrow(corrupt('recent offset of 0'));
    expect(() => new LzxDecoder(32768).decompress(good.subarray(0, 60), new Uint8Array(100))).toThrow(corrupt('uncompressed block past the end'));
    // one byte more than the chunk holds: the next block header reads the zero padding as block type 0
    expect(() => new LzxDecoder(32768).decompress(good, new Uint8Array(101))).toThrow(corrupt('block type 0'));
  });
});

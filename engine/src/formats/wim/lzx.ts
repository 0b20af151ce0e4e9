/**
 * LZX as WIM uses it ([MS-PATCH] 2.2 "LZX DELTA" with wimlib's corrections, src/lzx_decompress.c):
 * the window is one chunk (32 KiB .. 2 MiB), there is no state across chunks (R0 = R1 = R2 = 1 and
 * all previous code lengths 0 at each chunk), and E8 call translation is always on with a
 * translation size of 12 000 000 bytes (no header bit, unlike CAB).
 *
 * Bitstream: 16-bit little-endian words read MSB first. `buf` holds `left` unread bits at its top;
 * refills keep at least 17 bits so a 16-bit codeword or 17 extra offset bits are one peek.
 */
import { CmTsError } from '../../errors/index.js';
import { HuffmanCode, pointerMarker } from './huffman.js';
import { copyMatch } from './xpress.js';

const corrupt = (what: string): CmTsError => new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `bad LZX chunk: ${what}`);

export const lzxMinChunkBytes = 1 << 15;
export const lzxMaxChunkBytes = 1 << 21;

const blockTypeVerbatim = 1;
const blockTypeAligned = 2;
const blockTypeUncompressed = 3;
const defaultBlockBytes = 32768;
const numLenSymbols = 249;
const numPreSymbols = 20;
const numAlignedSymbols = 8;
const maxMainCodeLen = 16;
const e8TranslationBytes = 12_000_000;

/** Position slots ([MS-PATCH] 2.2.3.2): extra bits and base of each formatted offset (offset + 2). */
const extraBits = new Uint8Array(50);
const slotBase = new Uint32Array(51);
for (let i = 0; i < 50; i++) {
  extraBits[i] = i < 4 ? 0 : Math.min(17, (i - 2) >> 1);
  slotBase[i + 1] = slotBase[i]! + (1 << extraBits[i]!);
}

export class LzxDecoder {
  private readonly numMainSymbols: number;
  private readonly windowOrder: number;
  private readonly mainLens: Uint8Array;
  private readonly lenLens = new Uint8Array(numLenSymbols);
  private readonly alignedLens = new Uint8Array(numAlignedSymbols);
  private readonly preLens = new Uint8Array(numPreSymbols);
  private readonly mainCode: HuffmanCode;
  private readonly lenCode = new HuffmanCode(numLenSymbols, 10, maxMainCodeLen, 'the LZX length code');
  private readonly alignedCode = new HuffmanCode(numAlignedSymbols, 7, 7, 'the LZX aligned offset code');
  private readonly preCode = new HuffmanCode(numPreSymbols, 6, 15, 'the LZX pretree');

  private input: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private buf = 0;
  private left = 0;
  /** R0, R1, R2: the recent match offsets, 1 at the start of each chunk. */
  private readonly recent = new Uint32Array(3);

  /** `chunkBytes`: the WIM's chunk size, a power of two from 32 KiB to 2 MiB (the LZX window). */
  constructor(chunkBytes: number) {
    let order = 15;
    while (1 << order < chunkBytes) order++;
    this.windowOrder = order;
    let slots = 0;
    while (slotBase[slots]! < 1 << order) slots++;
    this.numMainSymbols = 256 + 8 * slots;
    this.mainLens = new Uint8Array(this.numMainSymbols);
    this.mainCode = new HuffmanCode(this.numMainSymbols, 11, maxMainCodeLen, 'the LZX main code');
  }

  private refill(): void {
    while (this.left <= 16) {
      const p = this.pos;
      const input = this.input;
      if (p > input.length + 4) throw corrupt('bitstream overrun');
      const w = p + 1 < input.length ? input[p]! | (input[p + 1]! << 8) : 0;
      this.buf = (this.buf | (w << (16 - this.left))) >>> 0;
      this.pos = p + 2;
      this.left += 16;
    }
  }

  /** Up to 17 bits. */
  private bits(n: number): number {
    if (n === 0) return 0;
    if (this.left < n) this.refill();
    const v = this.buf >>> (32 - n);
    this.buf = (this.buf << n) >>> 0;
    this.left -= n;
    return v;
  }

  private symbol(code: HuffmanCode): number {
    if (this.left < code.maxLen) this.refill();
    const v = this.buf >>> (32 - code.maxLen);
    let e = code.table[v >>> (code.maxLen - code.tableBits)]!;
    if ((e & 31) === pointerMarker) e = code.table[(e >>> 5) + (v & ((1 << (code.maxLen - code.tableBits)) - 1))]!;
    const len = e & 31;
    if (len === 0) throw corrupt('symbol from an empty Huffman code');
    this.buf = (this.buf << len) >>> 0;
    this.left -= len;
    return e >>> 5;
  }

  /** Code lengths, delta-coded against the previous block's through the pretree ([MS-PATCH] 2.2.3.1.4). */
  private readLens(lens: Uint8Array, start: number, end: number): void {
    for (let i = 0; i < numPreSymbols; i++) this.preLens[i] = this.bits(4);
    this.preCode.build(this.preLens);
    let i = start;
    while (i < end) {
      const s = this.symbol(this.preCode);
      if (s < 17) {
        lens[i] = (lens[i]! + 17 - s) % 17;
        i++;
      } else if (s === 17 || s === 18) {
        const run = s === 17 ? 4 + this.bits(4) : 20 + this.bits(5);
        const stop = Math.min(end, i + run);
        lens.fill(0, i, stop);
        i = stop;
      } else {
        const run = 4 + this.bits(1);
        const s2 = this.symbol(this.preCode);
        if (s2 > 16) throw corrupt('bad pretree run');
        const stop = Math.min(end, i + run);
        lens.fill((lens[i]! + 17 - s2) % 17, i, stop);
        i = stop;
      }
    }
  }

  /** Fills `output` (the chunk's exact uncompressed size, at most the window) from `input`. */
  decompress(input: Uint8Array, output: Uint8Array): void {
    const outLen = output.length;
    if (outLen > 1 << this.windowOrder) throw corrupt('chunk larger than the window');
    this.input = input;
    this.pos = 0;
    this.buf = 0;
    this.left = 0;
    this.mainLens.fill(0);
    this.lenLens.fill(0);
    this.recent.fill(1);
    let op = 0;
    let mayHaveE8 = false;
    while (op < outLen) {
      const type = this.bits(3);
      let size = defaultBlockBytes;
      if (!this.bits(1)) {
        size = this.bits(16);
        if (this.windowOrder >= 16) size = size * 256 + this.bits(8);
      }
      if (type < blockTypeVerbatim || type > blockTypeUncompressed) throw corrupt(`block type ${type}`);
      if (size === 0 || size > outLen - op) throw corrupt(`block of ${size} bytes`);
      if (type === blockTypeUncompressed) {
        op = this.copyUncompressedBlock(output, op, size);
        mayHaveE8 = true;
        continue;
      }
      this.readBlockCodes(type === blockTypeAligned);
      if (this.mainLens[0xe8]) mayHaveE8 = true;
      op = this.decodeBlock(output, op, op + size, type === blockTypeAligned);
    }
    if (mayHaveE8 && outLen > 10) undoE8(output);
  }

  /** An uncompressed block: R0-R2, then the bytes, read past the bitstream ([MS-PATCH] 2.2.3.1.3). Returns the output position after it. */
  private copyUncompressedBlock(output: Uint8Array, op: number, size: number): number {
    const input = this.input;
    // Pad to a 16-bit boundary; an already aligned stream skips a whole word. In stream terms:
    // of the `left` buffered bits, keep whole words beyond the current one.
    const p = this.left === 0 ? this.pos + 2 : this.pos - 2 * ((this.left - 1) >> 4);
    if (p + 12 + size > input.length) throw corrupt('uncompressed block past the end');
    const view = new DataView(input.buffer, input.byteOffset + p, 12);
    for (let i = 0; i < 3; i++) this.recent[i] = view.getUint32(4 * i, true);
    if (!this.recent[0] || !this.recent[1] || !this.recent[2]) throw corrupt('recent offset of 0');
    output.set(input.subarray(p + 12, p + 12 + size), op);
    this.pos = p + 12 + size + (size & 1);
    this.buf = 0;
    this.left = 0;
    return op + size;
  }

  /** The Huffman codes of a verbatim or aligned offset block ([MS-PATCH] 2.2.3.1.1-2). */
  private readBlockCodes(aligned: boolean): void {
    if (aligned) {
      for (let i = 0; i < numAlignedSymbols; i++) this.alignedLens[i] = this.bits(3);
      this.alignedCode.build(this.alignedLens);
    }
    this.readLens(this.mainLens, 0, 256);
    this.readLens(this.mainLens, 256, this.numMainSymbols);
    this.readLens(this.lenLens, 0, numLenSymbols);
    this.mainCode.build(this.mainLens);
    this.lenCode.build(this.lenLens);
  }

  /** Literals and matches up to `blockEnd`; the recent offsets stay in locals in this hot loop. Returns `blockEnd`. */
  private decodeBlock(output: Uint8Array, start: number, blockEnd: number, aligned: boolean): number {
    let r0 = this.recent[0]!;
    let r1 = this.recent[1]!;
    let r2 = this.recent[2]!;
    let op = start;
    while (op < blockEnd) {
      const sym = this.symbol(this.mainCode);
      if (sym < 256) {
        output[op++] = sym;
        continue;
      }
      const header = (sym - 256) & 7;
      const slot = (sym - 256) >>> 3;
      const length = (header === 7 ? 7 + this.symbol(this.lenCode) : header) + 2;
      let offset: number;
      if (slot === 0) offset = r0;
      else if (slot === 1) {
        offset = r1;
        r1 = r0;
        r0 = offset;
      } else if (slot === 2) {
        offset = r2;
        r2 = r0;
        r0 = offset;
      } else {
        const eb = extraBits[slot]!;
        offset = aligned && eb >= 3
          ? slotBase[slot]! + (this.bits(eb - 3) << 3) + this.symbol(this.alignedCode) - 2
          : slotBase[slot]! + this.bits(eb) - 2;
        r2 = r1;
        r1 = r0;
        r0 = offset;
      }
      if (offset > op) throw corrupt('match before the start of the chunk');
      if (length > blockEnd - op) throw corrupt('match past the end of the block');
      copyMatch(output, op, offset, length);
      op += length;
    }
    this.recent[0] = r0;
    this.recent[1] = r1;
    this.recent[2] = r2;
    return op;
  }
}

/** Reverses the encoder's E8 (x86 CALL rel32 -> absolute) translation over bytes [0, len - 10). */
function undoE8(d: Uint8Array): void {
  const limit = d.length - 10;
  for (let i = d.indexOf(0xe8); i >= 0 && i < limit; i = d.indexOf(0xe8, i + 5)) {
    const abs = d[i + 1]! | (d[i + 2]! << 8) | (d[i + 3]! << 16) | (d[i + 4]! << 24);
    let rel: number;
    if (abs >= 0) {
      if (abs >= e8TranslationBytes) continue;
      rel = abs - i;
    } else {
      if (abs < -i) continue;
      rel = abs + e8TranslationBytes;
    }
    d[i + 1] = rel;
    d[i + 2] = rel >> 8;
    d[i + 3] = rel >> 16;
    d[i + 4] = rel >> 24;
  }
}

/**
 * XPRESS ("LZ77+Huffman", [MS-XCA] 2.1-2.2) for one WIM chunk (at most 64 KiB, so one Huffman table).
 * A chunk opens with 256 bytes of 4-bit code lengths for 512 symbols (low nibble first); then a
 * bitstream of 16-bit little-endian words read MSB first, with the long match-length bytes taken
 * from the byte position between words ([MS-XCA] 2.2.4: the decoder keeps 32 bits and refills 16
 * when fewer than 16 extra bits remain, so "between words" is exactly where `pos` is).
 */
import { CmTsError } from '../../errors/index.js';
import { HuffmanCode, pointerMarker } from './huffman.js';

const corrupt = (what: string): CmTsError => new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `bad XPRESS chunk: ${what}`);

export const xpressMaxChunkBytes = 65536;
const tableBits = 11;
const maxLen = 15;

export class XpressDecoder {
  private readonly lens = new Uint8Array(512);
  private readonly code = new HuffmanCode(512, tableBits, maxLen, 'an XPRESS chunk');

  /** Fills `output` (the chunk's exact uncompressed size) from `input`. */
  decompress(input: Uint8Array, output: Uint8Array): void {
    const outLen = output.length;
    if (outLen > xpressMaxChunkBytes) throw corrupt('chunk larger than 64 KiB');
    const end = input.length;
    if (end < 260) throw corrupt('shorter than its Huffman table');
    const lens = this.lens;
    for (let i = 0; i < 256; i++) {
      lens[2 * i] = input[i]! & 15;
      lens[2 * i + 1] = input[i]! >> 4;
    }
    this.code.build(lens);
    const table = this.code.table;
    const subMask = (1 << (maxLen - tableBits)) - 1;

    let pos = 260;
    let next = ((input[256]! | (input[257]! << 8)) << 16 | input[258]! | (input[259]! << 8)) >>> 0;
    let extra = 16;
    let op = 0;
    while (op < outLen) {
      const v = next >>> (32 - maxLen);
      let e = table[v >>> (maxLen - tableBits)]!;
      if ((e & 31) === pointerMarker) e = table[(e >>> 5) + (v & subMask)]!;
      const len = e & 31;
      if (len === 0) throw corrupt('symbol from an empty Huffman code');
      next = (next << len) >>> 0;
      extra -= len;
      if (extra < 0) {
        if (pos > end + 4) throw corrupt('bitstream overrun');
        const w = pos + 1 < end ? input[pos]! | (input[pos + 1]! << 8) : 0;
        next = (next | (w << -extra)) >>> 0;
        pos += 2;
        extra += 16;
      }
      const sym = e >>> 5;
      if (sym < 256) {
        output[op++] = sym;
        continue;
      }
      // match: low 4 bits length header, next 4 bits offset bit count ([MS-XCA] 2.2.4)
      let length = sym & 15;
      const offsetBits = (sym >>> 4) & 15;
      if (length === 15) {
        if (pos >= end) throw corrupt('match length past the end');
        length = input[pos++]!;
        if (length === 255) {
          if (pos + 1 >= end) throw corrupt('match length past the end');
          length = input[pos]! | (input[pos + 1]! << 8);
          pos += 2;
          if (length < 15) throw corrupt('bad match length');
          length -= 15;
        }
        length += 15;
      }
      length += 3;
      let offset = 1 << offsetBits;
      if (offsetBits) {
        offset += next >>> (32 - offsetBits);
        next = (next << offsetBits) >>> 0;
        extra -= offsetBits;
        if (extra < 0) {
          if (pos > end + 4) throw corrupt('bitstream overrun');
          const w = pos + 1 < end ? input[pos]! | (input[pos + 1]! << 8) : 0;
          next = (next | (w << -extra)) >>> 0;
          pos += 2;
          extra += 16;
        }
      }
      if (offset > op) throw corrupt('match before the start of the chunk');
      if (length > outLen - op) throw corrupt('match past the end of the chunk');
      copyMatch(output, op, offset, length);
      op += length;
    }
  }
}

/** LZ77 copy; overlapping matches (offset < length) repeat bytes, so they go byte by byte. */
export function copyMatch(out: Uint8Array, op: number, offset: number, length: number): void {
  if (offset >= length && length > 32) {
    out.copyWithin(op, op - offset, op - offset + length);
    return;
  }
  for (let i = 0; i < length; i++) out[op + i] = out[op + i - offset]!;
}

/**
 * Canonical Huffman decode tables for the XPRESS and LZX decoders ([MS-XCA] 2.1.4, [MS-PATCH] 2.2).
 *
 * One table lookup per symbol: the next `maxLen` bits of the stream (MSB first) index a primary
 * table of 2^tableBits entries by their top bits; codes longer than tableBits continue in a
 * second-level table of 2^(maxLen - tableBits) entries. Entry = symbol << 5 | code length; a
 * pointer entry is start << 5 | 31; 0 is "no code" (only in an empty code).
 */
import { CmTsError } from '../../errors/index.js';

export const pointerMarker = 31;

export class HuffmanCode {
  readonly table: Uint32Array;
  private readonly count: Uint16Array;
  private readonly next: Uint16Array;
  private readonly sorted: Uint16Array;

  constructor(
    readonly numSymbols: number,
    readonly tableBits: number,
    readonly maxLen: number,
    private readonly what: string,
  ) {
    const subtables = Math.min(1 << tableBits, numSymbols);
    this.table = new Uint32Array((1 << tableBits) + (subtables << (maxLen - tableBits)));
    this.count = new Uint16Array(maxLen + 1);
    this.next = new Uint16Array(maxLen + 2);
    this.sorted = new Uint16Array(numSymbols);
  }

  /**
   * Builds the table from code lengths (0 = symbol unused). Over-subscribed and incomplete codes are
   * corrupt, except the empty code, which LZX and XPRESS allow (as wimlib does); decoding from it fails.
   */
  build(lens: Uint8Array): void {
    const { count, next, sorted, table, tableBits, maxLen, numSymbols } = this;
    count.fill(0);
    for (let s = 0; s < numSymbols; s++) count[lens[s]!]!++;
    count[0] = 0;
    let left = 1;
    for (let len = 1; len <= maxLen; len++) {
      left = (left << 1) - count[len]!;
      if (left < 0) throw new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `over-subscribed Huffman code in ${this.what}`);
    }
    table.fill(0, 0, 1 << tableBits);
    if (left !== 0) {
      if (left !== 1 << maxLen) throw new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `incomplete Huffman code in ${this.what}`);
      return;
    }
    next[1] = 0;
    for (let len = 1; len <= maxLen; len++) next[len + 1] = next[len]! + count[len]!;
    for (let s = 0; s < numSymbols; s++) if (lens[s]) sorted[next[lens[s]!]!++] = s;

    const subBits = maxLen - tableBits;
    let freeSub = 1 << tableBits;
    let code = 0;
    let i = 0;
    for (let len = 1; len <= maxLen; len++, code <<= 1) {
      for (let n = count[len]!; n > 0; n--, code++) {
        const entry = (sorted[i++]! << 5) | len;
        if (len <= tableBits) {
          const start = code << (tableBits - len);
          table.fill(entry, start, start + (1 << (tableBits - len)));
        } else {
          const prefix = code >>> (len - tableBits);
          if ((table[prefix]! & 31) !== pointerMarker) {
            table[prefix] = (freeSub << 5) | pointerMarker;
            freeSub += 1 << subBits;
          }
          const start = (table[prefix]! >>> 5) + ((code & ((1 << (len - tableBits)) - 1)) << (maxLen - len));
          table.fill(entry, start, start + (1 << (maxLen - len)));
        }
      }
    }
  }
}

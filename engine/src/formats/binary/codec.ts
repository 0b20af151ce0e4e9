/**
 * Field codecs and field tables: the only place that knows byte order and character sets.
 * A structure is declared once as a table of `[offset, codec]` in the specification's own names and
 * units; `encode` and `decode` read the same table, and the table asserts that its fields are
 * contiguous and add up to the declared size.
 */
import { CmTsError } from '../../errors/index.js';

export interface Codec<T> {
  readonly sizeBytes: number;
  encode(target: Uint8Array, offset: number, value: T): void;
  decode(source: Uint8Array, offset: number): T;
}

function checkRange(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new CmTsError('E_UNEXPECTED', `${what} value ${value} out of range 0..${max}`);
  }
}

/** Typed-array stores past the end are dropped silently; a field that does not fit is a layout bug. */
function checkFits(b: Uint8Array, offset: number, sizeBytes: number): void {
  if (!(offset >= 0 && offset + sizeBytes <= b.length)) {
    throw new CmTsError('E_UNEXPECTED', `a ${sizeBytes}-byte field at +${offset} does not fit ${b.length} bytes`);
  }
}

/**
 * Unsigned integers byte by byte: the hot path of every directory record and UDF descriptor, where
 * a DataView per field cost more than the encoding itself.
 */
function integer(sizeBytes: 1 | 2 | 4, littleEndian: boolean): Codec<number> {
  const max = 2 ** (8 * sizeBytes) - 1;
  const last = sizeBytes - 1;
  const what = `uint${8 * sizeBytes}`; // once: a string built per call was most of an image's garbage
  return {
    sizeBytes,
    encode(t, o, v) {
      checkRange(v, max, what);
      checkFits(t, o, sizeBytes);
      for (let i = 0; i < sizeBytes; i++) t[o + (littleEndian ? i : last - i)] = (v >>> (8 * i)) & 0xff;
    },
    decode(s, o) {
      checkFits(s, o, sizeBytes);
      let v = 0;
      for (let i = last; i >= 0; i--) v = v * 256 + s[o + (littleEndian ? i : last - i)]!;
      return v;
    },
  };
}

/** Little-endian then big-endian copy of the same value (ECMA-119 7.2.3, 7.3.3). */
function bothEndian(inner: 2 | 4): Codec<number> {
  const le = integer(inner, true);
  const be = integer(inner, false);
  return {
    sizeBytes: inner * 2,
    encode(t, o, v) {
      le.encode(t, o, v);
      be.encode(t, o + inner, v);
    },
    decode(s, o) {
      const a = le.decode(s, o);
      const b = be.decode(s, o + inner);
      if (a !== b) throw new CmTsError('E_UNEXPECTED', `both-endian field at +${o}: ${a} != ${b}`);
      return a;
    },
  };
}

export const u8 = integer(1, true);
export const u16le = integer(2, true);
export const u16be = integer(2, false);
export const u32le = integer(4, true);
export const u32be = integer(4, false);
export const u16both = bothEndian(2);
export const u32both = bothEndian(4);

/** 64-bit little-endian; values stay below 2^53 (file sizes). */
export const u64le: Codec<number> = {
  sizeBytes: 8,
  encode(t, o, v) {
    checkRange(v, Number.MAX_SAFE_INTEGER, 'uint64');
    u32le.encode(t, o, v % 2 ** 32);
    u32le.encode(t, o + 4, Math.floor(v / 2 ** 32));
  },
  decode(s, o) {
    return u32le.decode(s, o + 4) * 2 ** 32 + u32le.decode(s, o);
  },
};

/** Raw bytes; a shorter value is zero-padded. */
export function bytes(sizeBytes: number): Codec<Uint8Array> {
  return {
    sizeBytes,
    encode(t, o, v) {
      if (v.length > sizeBytes) throw new CmTsError('E_UNEXPECTED', `${v.length} bytes do not fit a ${sizeBytes}-byte field`);
      t.set(v, o);
      t.fill(0, o + v.length, o + sizeBytes);
    },
    decode(s, o) {
      return s.slice(o, o + sizeBytes);
    },
  };
}

/** Reserved bytes: always written as zero (or `fill`). */
export function reserved(sizeBytes: number, fill = 0): Codec<void> {
  return {
    sizeBytes,
    encode(t, o) {
      t.fill(fill, o, o + sizeBytes);
    },
    decode() {},
  };
}

/** A field whose value the specification fixes ("CD001", version 1). */
export function fixed<T>(codec: Codec<T>, value: T): Codec<void> {
  return {
    sizeBytes: codec.sizeBytes,
    encode(t, o) {
      codec.encode(t, o, value);
    },
    decode() {},
  };
}

/** ECMA-119 7.4.1 d-characters. */
export const dCharacters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
/** ECMA-119 7.4.1 a-characters: d-characters plus space and !"%&'()*+,-./:;<=>? */
export const aCharacters = dCharacters + ' !"%&\'()*+,-./:;<=>?';

/** Single-byte text from `alphabet`, padded with `pad` (ECMA-119 7.4: space); a bad character is a bug of the caller. */
export function chars(sizeBytes: number, alphabet: string | null, pad = 0x20): Codec<string> {
  return {
    sizeBytes,
    encode(t, o, v) {
      if (v.length > sizeBytes) throw new CmTsError('E_UNEXPECTED', `"${v}" does not fit a ${sizeBytes}-character field`);
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (alphabet ? !alphabet.includes(v[i]!) : c > 0x7e || c < 0x20) throw new CmTsError('E_UNEXPECTED', `"${v}" has a character not allowed here`);
        t[o + i] = c;
      }
      t.fill(pad, o + v.length, o + sizeBytes);
    },
    decode(s, o) {
      let end = sizeBytes;
      while (end > 0 && s[o + end - 1] === pad) end--;
      return String.fromCharCode(...s.subarray(o, o + end));
    },
  };
}
export const dchars = (n: number): Codec<string> => chars(n, dCharacters);
export const achars = (n: number): Codec<string> => chars(n, aCharacters);
/** Printable ASCII, zero padded (El Torito identifiers). */
export const asciiz = (n: number): Codec<string> => chars(n, null, 0);

/** UCS-2 big-endian text padded with U+0020 (Joliet 5.x: identifier fields). */
export function ucs2be(sizeBytes: number): Codec<string> {
  return {
    sizeBytes,
    encode(t, o, v) {
      if (v.length * 2 > sizeBytes) throw new CmTsError('E_UNEXPECTED', `"${v}" does not fit a ${sizeBytes}-byte UCS-2 field`);
      encodeUcs2be(v, t, o);
      for (let i = o + v.length * 2; i + 1 < o + sizeBytes; i += 2) {
        t[i] = 0;
        t[i + 1] = 0x20;
      }
      if (sizeBytes % 2) t[o + sizeBytes - 1] = 0;
    },
    decode(s, o) {
      let text = '';
      for (let i = 0; i + 1 < sizeBytes; i += 2) text += String.fromCharCode((s[o + i]! << 8) | s[o + i + 1]!);
      return text.replace(/ +$/, '');
    },
  };
}

/** Writes UTF-16 code units big-endian; returns the byte count. */
export function encodeUcs2be(text: string, target: Uint8Array, offset: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    target[offset + 2 * i] = c >> 8;
    target[offset + 2 * i + 1] = c & 0xff;
  }
  return text.length * 2;
}

const digits = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * ECMA-119 8.4.26.1 dec-datetime: 16 ASCII digits YYYYMMDDHHMMSScc + offset from GMT in 15-minute
 * units. Always written in UTC (offset 0); null = "not specified" (sixteen '0' and 0).
 */
export const decDateTime: Codec<Date | null> = {
  sizeBytes: 17,
  encode(t, o, v) {
    const text = v
      ? digits(v.getUTCFullYear(), 4) + digits(v.getUTCMonth() + 1, 2) + digits(v.getUTCDate(), 2) + digits(v.getUTCHours(), 2) +
        digits(v.getUTCMinutes(), 2) + digits(v.getUTCSeconds(), 2) + digits(Math.floor(v.getUTCMilliseconds() / 10), 2)
      : '0'.repeat(16);
    for (let i = 0; i < 16; i++) t[o + i] = text.charCodeAt(i);
    t[o + 16] = 0;
  },
  decode(s, o) {
    const text = String.fromCharCode(...s.subarray(o, o + 16));
    if (text === '0'.repeat(16)) return null;
    const n = (a: number, b: number): number => Number(text.slice(a, b));
    const offsetMinutes = ((s[o + 16]! << 24) >> 24) * 15;
    return new Date(Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14), n(14, 16) * 10) - offsetMinutes * 60000);
  },
};

/** ECMA-119 9.1.5 recording date and time: years since 1900, month, day, hour, minute, second, GMT offset (UTC here). */
export const recordingDateTime: Codec<Date> = {
  sizeBytes: 7,
  encode(t, o, v) {
    const year = v.getUTCFullYear() - 1900;
    checkRange(year, 255, 'recording year');
    t[o] = year;
    t[o + 1] = v.getUTCMonth() + 1;
    t[o + 2] = v.getUTCDate();
    t[o + 3] = v.getUTCHours();
    t[o + 4] = v.getUTCMinutes();
    t[o + 5] = v.getUTCSeconds();
    t[o + 6] = 0;
  },
  decode(s, o) {
    const offsetMinutes = ((s[o + 6]! << 24) >> 24) * 15;
    return new Date(Date.UTC(1900 + s[o]!, s[o + 1]! - 1, s[o + 2]!, s[o + 3]!, s[o + 4]!, s[o + 5]!) - offsetMinutes * 60000);
  },
};

type ValueOf<C> = C extends Codec<infer T> ? T : never;
export type FieldMap = Record<string, readonly [offset: number, codec: Codec<any>]>;
/** The values a table needs: every field except reserved and fixed ones. */
export type TableValues<F extends FieldMap> = { [K in keyof F as ValueOf<F[K][1]> extends void ? never : K]: ValueOf<F[K][1]> };

export interface Table<F extends FieldMap> {
  readonly name: string;
  readonly sizeBytes: number;
  readonly fields: F;
  encode(values: TableValues<F>, target: Uint8Array, offset?: number): void;
  /** A fresh buffer of `sizeBytes` (descriptors; hot paths use encode into a reused buffer). */
  toBytes(values: TableValues<F>): Uint8Array;
  decode(source: Uint8Array, offset?: number): TableValues<F>;
}

/**
 * Declares a structure. Offsets are 0-based bytes (the standards count from 1); the fields must
 * tile [0, sizeBytes) exactly, which is asserted here once, when the module loads.
 */
export function table<F extends FieldMap>(name: string, sizeBytes: number, fields: F): Table<F> {
  const ordered = Object.entries(fields).sort((a, b) => a[1][0] - b[1][0]);
  let expected = 0;
  for (const [key, [offset, codec]] of ordered) {
    if (offset !== expected) throw new Error(`table ${name}: field ${key} at ${offset}, expected ${expected}`);
    expected = offset + codec.sizeBytes;
  }
  if (expected !== sizeBytes) throw new Error(`table ${name}: fields end at ${expected}, declared size ${sizeBytes}`);
  const keys = ordered.map(([key]) => key);
  const offsets = ordered.map(([, [offset]]) => offset);
  const codecs = ordered.map(([, [, codec]]) => codec);
  const encode = (values: TableValues<F>, target: Uint8Array, offset = 0): void => {
    const record = values as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) codecs[i]!.encode(target, offset + offsets[i]!, record[keys[i]!]);
  };
  return {
    name,
    sizeBytes,
    fields,
    encode,
    toBytes(values) {
      const out = new Uint8Array(sizeBytes);
      encode(values, out);
      return out;
    },
    decode(source, offset = 0) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const value = codecs[i]!.decode(source, offset + offsets[i]!);
        if (value !== undefined) out[keys[i]!] = value;
      }
      return out as TableValues<F>;
    },
  };
}

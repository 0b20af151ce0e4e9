/**
 * ECMA-167 3rd edition / OSTA UDF 1.02 basic types as codecs for the field tables of
 * ../binary: descriptor tag (with its checksum and CRC), CS0 d-strings, timestamps, entity
 * identifiers, extent and allocation descriptors. Offsets are 0-based, as ECMA-167's BP/RBP.
 */
import { CmTsError } from '../../errors/index.js';
import { bytes, type Codec, reserved, table, type Table, type TableValues, u16le, u32le, u8 } from '../binary/index.js';

export const blockBytes = 2048;

/** The field map of a table (../binary keeps its own name private). */
export type FieldMap = Parameters<typeof table>[2];

/** A table used as a field of another table (regid inside a descriptor, lb_addr inside long_ad). */
export function nested<F extends FieldMap>(t: Table<F>): Codec<TableValues<F>> {
  return {
    sizeBytes: t.sizeBytes,
    encode: (target, offset, value) => t.encode(value, target, offset),
    decode: (source, offset) => t.decode(source, offset),
  };
}

// --- CRC and descriptor tag ----------------------------------------------------------------------

const crcTable = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  crcTable[n] = c;
}

/** ECMA-167 1/7.2.6: CRC-16 CCITT, x^16 + x^12 + x^5 + 1, initial value 0, bits not reflected. */
export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) & 0xff00) ^ crcTable[((crc >> 8) ^ data[i]!) & 0xff]!;
  return crc;
}

/** ECMA-167 3/7.2 descriptor tag. */
export const descriptorTag = table('descriptorTag', 16, {
  tagIdentifier: [0, u16le],
  descriptorVersion: [2, u16le],
  tagChecksum: [4, u8],
  reserved: [5, reserved(1)],
  tagSerialNumber: [6, u16le],
  descriptorCRC: [8, u16le],
  descriptorCRCLength: [10, u16le],
  tagLocation: [12, u32le],
});

/** ECMA-167 3/7.2.1 and 4/7.2.1 tag identifiers. */
export const tagIdentifier = {
  primaryVolumeDescriptor: 1,
  anchorVolumeDescriptorPointer: 2,
  implementationUseVolumeDescriptor: 4,
  partitionDescriptor: 5,
  logicalVolumeDescriptor: 6,
  unallocatedSpaceDescriptor: 7,
  terminatingDescriptor: 8,
  logicalVolumeIntegrityDescriptor: 9,
  fileSetDescriptor: 256,
  fileIdentifierDescriptor: 257,
  fileEntry: 261,
} as const;

/**
 * A tag whose checksum and CRC are filled later by `sealTag`. UDF 1.02 2.2.1: descriptor
 * version 2; tag serial number 0 (one volume, never rewritten). `tagLocation` is the absolute sector
 * for volume structures and the partition-relative block for file structures (ECMA-167 4/7.2.1).
 */
export function tag(identifier: number, tagLocation: number): TableValues<typeof descriptorTag.fields> {
  return { tagIdentifier: identifier, descriptorVersion: 2, tagChecksum: 0, tagSerialNumber: 0, descriptorCRC: 0, descriptorCRCLength: 0, tagLocation };
}

/**
 * Fills the CRC (over the descriptor after its tag, `descriptorBytes - 16` bytes: ECMA-167 3/7.2
 * allows less, genisoimage and mkudffs cover it all) and then the checksum (ECMA-167 3/7.2.3: bytes 0-3 and 5-15 mod 256).
 */
export function sealTag(target: Uint8Array, offset: number, descriptorBytes: number): void {
  const crcLength = descriptorBytes - 16;
  const crc = crc16(target.subarray(offset + 16, offset + descriptorBytes));
  target[offset + 8] = crc & 0xff;
  target[offset + 9] = crc >> 8;
  target[offset + 10] = crcLength & 0xff;
  target[offset + 11] = crcLength >> 8;
  target[offset + 4] = tagChecksum(target, offset);
}

export function tagChecksum(source: Uint8Array, offset: number): number {
  let sum = 0;
  for (let i = 0; i < 16; i++) if (i !== 4) sum += source[offset + i]!;
  return sum & 0xff;
}

// --- character sets --------------------------------------------------------------------------------

/**
 * OSTA CS0 "compressed Unicode" (UDF 1.02 2.1.1): compression ID 8 and one byte per character when
 * every UTF-16 code unit is below 256, otherwise ID 16 and big-endian UTF-16 code units.
 * The empty string is zero bytes (no compression ID).
 */
export function cs0(text: string): Uint8Array {
  if (text.length === 0) return new Uint8Array(0);
  const wide = /[^\u0000-\u00ff]/.test(text);
  const out = new Uint8Array(1 + text.length * (wide ? 2 : 1));
  out[0] = wide ? 16 : 8;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (wide) {
      out[1 + 2 * i] = c >> 8;
      out[2 + 2 * i] = c & 0xff;
    } else out[1 + i] = c;
  }
  return out;
}

export function decodeCs0(source: Uint8Array): string {
  if (source.length === 0) return '';
  const id = source[0];
  let text = '';
  if (id === 8) for (let i = 1; i < source.length; i++) text += String.fromCharCode(source[i]!);
  else if (id === 16) for (let i = 1; i + 1 < source.length; i += 2) text += String.fromCharCode((source[i]! << 8) | source[i + 1]!);
  else throw new CmTsError('E_UNEXPECTED', `CS0 compression ID ${id}`);
  return text;
}

/** The longest prefix of `text` (not splitting a surrogate pair) whose CS0 form has at most `maxBytes`. */
export function cs0Prefix(text: string, maxBytes: number): Uint8Array {
  let end = Math.min(text.length, maxBytes); // each character takes at least one byte
  if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1] ?? '')) end--;
  let encoded = cs0(text.slice(0, end));
  while (encoded.length > maxBytes) {
    end--;
    if (end > 0 && /[\ud800-\udbff]/.test(text[end - 1]!)) end--;
    encoded = cs0(text.slice(0, end));
  }
  return encoded;
}

/**
 * ECMA-167 1/7.2.12 dstring: CS0 bytes, zero padded, the used length in the last byte. Identifiers
 * longer than the field keep the prefix that fits (volume labels are truncated by the caller
 * first; this only guards the smaller fields, e.g. the PVD's 32-byte volume identifier).
 */
export function dstring(sizeBytes: number): Codec<string> {
  return {
    sizeBytes,
    encode(target, offset, value) {
      const encoded = cs0Prefix(value, sizeBytes - 1);
      target.fill(0, offset, offset + sizeBytes);
      target.set(encoded, offset);
      target[offset + sizeBytes - 1] = encoded.length;
    },
    decode(source, offset) {
      return decodeCs0(source.subarray(offset, offset + source[offset + sizeBytes - 1]!));
    },
  };
}

/** ECMA-167 1/7.2.1 charspec; UDF 1.02 2.1.2: always CS0 "OSTA Compressed Unicode". */
export const charspec = table('charspec', 64, {
  characterSetType: [0, u8],
  characterSetInformation: [1, bytes(63)],
});
const osta = new TextEncoder().encode('OSTA Compressed Unicode');
export const ostaCompressedUnicode = { characterSetType: 0, characterSetInformation: osta };

// --- timestamp -------------------------------------------------------------------------------------

/**
 * ECMA-167 1/7.3 timestamp, always written as UTC: type 1 (local time) with a time zone offset of
 * 0 minutes (UDF 1.02 2.1.4.1), so the bytes do not depend on the machine's zone.
 */
export const timestamp: Codec<Date> = {
  sizeBytes: 12,
  encode(target, offset, value) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw new CmTsError('E_INVALIDARG', `invalid date for a UDF timestamp`);
    const year = value.getUTCFullYear();
    if (year < 1 || year > 9999) throw new CmTsError('E_INVALIDARG', `year ${year} cannot be recorded in UDF`);
    const millis = value.getUTCMilliseconds();
    target[offset] = 0x00; // TypeAndTimezone low byte: offset 0
    target[offset + 1] = 0x10; // type 1 in the high 4 bits
    target[offset + 2] = year & 0xff;
    target[offset + 3] = year >> 8;
    target[offset + 4] = value.getUTCMonth() + 1;
    target[offset + 5] = value.getUTCDate();
    target[offset + 6] = value.getUTCHours();
    target[offset + 7] = value.getUTCMinutes();
    target[offset + 8] = value.getUTCSeconds();
    target[offset + 9] = Math.floor(millis / 10); // centiseconds
    target[offset + 10] = (millis % 10) * 10; // hundreds of microseconds
    target[offset + 11] = 0; // microseconds
  },
  decode(source, offset) {
    const typeAndTimezone = source[offset]! | (source[offset + 1]! << 8);
    let zoneMinutes = typeAndTimezone & 0xfff;
    if (zoneMinutes & 0x800) zoneMinutes -= 0x1000;
    if (zoneMinutes === -2047) zoneMinutes = 0; // "not specified"
    const year = source[offset + 2]! | (source[offset + 3]! << 8);
    const utc = Date.UTC(year, source[offset + 4]! - 1, source[offset + 5]!, source[offset + 6]!, source[offset + 7]!, source[offset + 8]!,
      source[offset + 9]! * 10 + Math.floor(source[offset + 10]! / 10));
    return new Date(utc - zoneMinutes * 60000);
  },
};

// --- entity identifiers ----------------------------------------------------------------------------

/** ECMA-167 1/7.4 regid (UDF 1.02 2.1.5 EntityID). */
export const regid = table('regid', 32, {
  flags: [0, u8],
  identifier: [1, bytes(23)],
  identifierSuffix: [24, bytes(8)],
});
export type Regid = TableValues<typeof regid.fields>;

const udfRevision = 0x0102;
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * UDF 1.02 2.1.5.3 Domain Identifier suffix: UDF revision 0x0102, domain flags bit 0 hard and
 * bit 1 soft write-protect (a pressed or burnt image is never written in place).
 */
export const domainIdentifier: Regid = {
  flags: 0,
  identifier: ascii('*OSTA UDF Compliant'),
  identifierSuffix: Uint8Array.of(udfRevision & 0xff, udfRevision >> 8, 0x03, 0, 0, 0, 0, 0),
};

/** UDF 1.02 2.1.5.3 UDF Identifier suffix (revision, OS class 0, OS identifier 0). */
export const udfIdentifier = (identifier: string): Regid => ({
  flags: 0,
  identifier: ascii(identifier),
  identifierSuffix: Uint8Array.of(udfRevision & 0xff, udfRevision >> 8, 0, 0, 0, 0, 0, 0),
});

/** UDF 1.02 2.1.5.3 Implementation Identifier: "*" + developer; suffix OS class / identifier 0 ("undefined"). */
export const implementationIdentifier: Regid = { flags: 0, identifier: ascii('*CmTsMedia'), identifierSuffix: new Uint8Array(8) };

/** ECMA-167 3/9.1.2 the partition contents of an NSR02 (UDF 1.02) volume. */
export const nsr02PartitionContents: Regid = { flags: 0, identifier: ascii('+NSR02'), identifierSuffix: new Uint8Array(8) };

export const emptyRegid: Regid = { flags: 0, identifier: new Uint8Array(0), identifierSuffix: new Uint8Array(0) };

export { udfRevision };

// --- extents and allocation descriptors -------------------------------------------------------------

/** ECMA-167 3/7.1 extent_ad: bytes and absolute sector. */
export const extentAd = table('extent_ad', 8, {
  extentLength: [0, u32le],
  extentLocation: [4, u32le],
});

/** ECMA-167 4/7.1 lb_addr: partition-relative block. */
export const lbAddr = table('lb_addr', 6, {
  logicalBlockNumber: [0, u32le],
  partitionReferenceNumber: [4, u16le],
});

/**
 * ECMA-167 4/14.14.2 long_ad. UDF ADImpUse: flags (2 bytes) then 4 bytes of implementation use,
 * which later UDF revisions define as the low 32 bits of the file's unique ID in a FID's ICB;
 * written that way here too, as genisoimage does (UDF 1.02 readers ignore it).
 */
export const longAd = table('long_ad', 16, {
  extentLength: [0, u32le],
  extentLocation: [4, nested(lbAddr)],
  adImpUseFlags: [10, u16le],
  udfUniqueId: [12, u32le],
});

/** ECMA-167 4/14.14.1 short_ad: the top 2 bits of the length are the extent type (0: recorded and allocated). */
export const shortAd = table('short_ad', 8, {
  extentLength: [0, u32le],
  extentPosition: [4, u32le],
});

/** ECMA-167 4/14.14.1.1: a length is 30 bits; whole blocks for every extent but a file's last. */
export const maxExtentBytes = Math.floor((2 ** 30 - 1) / blockBytes) * blockBytes;

/**
 * ECMA-119 (ISO 9660) structures as field tables. Offsets are 0-based; the standard's BP numbers
 * are offset + 1. One volume-descriptor layout serves the primary (a-/d-characters) and the Joliet
 * supplementary descriptor (UCS-2): only the text codecs differ.
 */
import {
  achars, bytes, type Codec, dchars, decDateTime, fixed, recordingDateTime, reserved, table, u16both, u16be, u16le,
  u32be, u32both, u32le, u8,
} from '../binary/index.js';

export const sectorBytes = 2048;
export const systemAreaSectors = 16;
/** ECMA-119 9.1: the fixed part of a directory record before the identifier. */
export const directoryRecordFixedBytes = 33;
/** ECMA-119 6.8.1: a directory record's length is one byte. */
export const maxDirectoryRecordBytes = 255;

export const volumeDescriptorType = { boot: 0, primary: 1, supplementary: 2, terminator: 255 } as const;

const standardIdentifier = fixed(bytes(5), new TextEncoder().encode('CD001'));

/** ECMA-119 8.4 (primary) and 8.5 (supplementary) volume descriptor. */
export function volumeDescriptorTable(text: { a: (n: number) => Codec<string>; d: (n: number) => Codec<string> }) {
  return table('volumeDescriptor', sectorBytes, {
    volumeDescriptorType: [0, u8],
    standardIdentifier: [1, standardIdentifier],
    volumeDescriptorVersion: [6, fixed(u8, 1)],
    volumeFlags: [7, u8],
    systemIdentifier: [8, text.a(32)],
    volumeIdentifier: [40, text.d(32)],
    unused1: [72, reserved(8)],
    volumeSpaceSize: [80, u32both],
    escapeSequences: [88, bytes(32)],
    volumeSetSize: [120, u16both],
    volumeSequenceNumber: [124, u16both],
    logicalBlockSize: [128, u16both],
    pathTableSize: [132, u32both],
    typeLPathTableLba: [140, u32le],
    optionalTypeLPathTableLba: [144, u32le],
    typeMPathTableLba: [148, u32be],
    optionalTypeMPathTableLba: [152, u32be],
    rootDirectoryRecord: [156, bytes(34)],
    volumeSetIdentifier: [190, text.d(128)],
    publisherIdentifier: [318, text.a(128)],
    dataPreparerIdentifier: [446, text.a(128)],
    applicationIdentifier: [574, text.a(128)],
    copyrightFileIdentifier: [702, text.d(37)],
    abstractFileIdentifier: [739, text.d(37)],
    bibliographicFileIdentifier: [776, text.d(37)],
    volumeCreationDateTime: [813, decDateTime],
    volumeModificationDateTime: [830, decDateTime],
    volumeExpirationDateTime: [847, decDateTime],
    volumeEffectiveDateTime: [864, decDateTime],
    fileStructureVersion: [881, fixed(u8, 1)],
    reserved1: [882, reserved(1)],
    applicationUse: [883, reserved(512)],
    reserved2: [1395, reserved(653)],
  });
}

export const primaryVolumeDescriptor = volumeDescriptorTable({ a: achars, d: dchars });

/** ECMA-119 8.3 volume descriptor set terminator. */
export const volumeDescriptorSetTerminator = table('volumeDescriptorSetTerminator', sectorBytes, {
  volumeDescriptorType: [0, fixed(u8, volumeDescriptorType.terminator)],
  standardIdentifier: [1, standardIdentifier],
  volumeDescriptorVersion: [6, fixed(u8, 1)],
  reserved: [7, reserved(2041)],
});

/** ECMA-119 9.1 directory record, without the identifier and padding that follow it. */
export const directoryRecord = table('directoryRecord', directoryRecordFixedBytes, {
  lengthOfDirectoryRecord: [0, u8],
  extendedAttributeRecordLength: [1, fixed(u8, 0)],
  locationOfExtent: [2, u32both],
  dataLength: [10, u32both],
  recordingDateAndTime: [18, recordingDateTime],
  fileFlags: [25, u8],
  fileUnitSize: [26, fixed(u8, 0)],
  interleaveGapSize: [27, fixed(u8, 0)],
  volumeSequenceNumber: [28, fixed(u16both, 1)],
  lengthOfFileIdentifier: [32, u8],
});

/** ECMA-119 9.1.6 file flags. */
export const fileFlags = { hidden: 0x01, directory: 0x02, notFinal: 0x80 } as const;

/** ECMA-119 9.4 path table record (type L little-endian, type M big-endian), without the identifier. */
function pathTableRecordTable(u32: Codec<number>, u16: Codec<number>) {
  return table('pathTableRecord', 8, {
    lengthOfDirectoryIdentifier: [0, u8],
    extendedAttributeRecordLength: [1, fixed(u8, 0)],
    locationOfExtent: [2, u32],
    parentDirectoryNumber: [6, u16],
  });
}
export const pathTableRecordL = pathTableRecordTable(u32le, u16le);
export const pathTableRecordM = pathTableRecordTable(u32be, u16be);

/** ECMA-119 9.1.12: the identifier is padded to an even record length. */
export function directoryRecordBytes(identifierBytes: number): number {
  return directoryRecordFixedBytes + identifierBytes + (identifierBytes % 2 === 0 ? 1 : 0);
}

/** ECMA-119 9.4: 8 bytes + identifier + pad to even. */
export function pathTableRecordBytes(identifierBytes: number): number {
  return 8 + identifierBytes + (identifierBytes % 2);
}

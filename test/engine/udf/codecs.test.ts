/**
 * Golden bytes for the UDF basic types. Vectors: ECMA-167 1/7.2.6 (CRC of #70 #6A #77 is #3299),
 * the CRC-16/XMODEM check value (same polynomial and start value), and descriptors genisoimage
 * 1.1.11 `-udf` wrote for the same inputs (AVDP, TD, PVD fields, regids), copied here as hex.
 */
import { describe, expect, it } from 'vitest';
import { isCmTsError } from '../../../engine/src/errors/index.js';
import {
  charspec, crc16, cs0, decodeCs0, descriptorTag, domainIdentifier, dstring, extentAd, lbAddr, longAd, maxExtentBytes, regid, sealTag,
  shortAd, tag, tagChecksum, timestamp, udfIdentifier,
} from '../../../engine/src/formats/udf/codecs.js';
import * as descriptors from '../../../engine/src/formats/udf/descriptors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

describe('CRC and tag', () => {
  it('CRC-16 CCITT matches ECMA-167 1/7.2.6 and the XMODEM check value', () => {
    expect(crc16(Uint8Array.of(0x70, 0x6a, 0x77))).toBe(0x3299);
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x31c3);
    expect(crc16(new Uint8Array(0))).toBe(0);
  });

  it('seals an AVDP byte-identical to genisoimage', () => {
    const sector = new Uint8Array(2048);
    descriptors.anchorVolumeDescriptorPointer.encode({
      descriptorTag: tag(2, 256),
      mainVolumeDescriptorSequenceExtent: { extentLength: 32768, extentLocation: 32 },
      reserveVolumeDescriptorSequenceExtent: { extentLength: 32768, extentLocation: 48 },
    }, sector);
    sealTag(sector, 0, 512);
    expect(hex(sector.subarray(0, 32))).toBe('02000200ce00000001d7f0010001000000800000200000000080000030000000');
    expect(sector.subarray(32).every((b) => b === 0)).toBe(true);
    expect(tagChecksum(sector, 0)).toBe(0xce);
  });

  it('seals a terminating descriptor byte-identical to genisoimage', () => {
    const sector = new Uint8Array(512);
    descriptors.terminatingDescriptor.encode({ descriptorTag: tag(8, 37) }, sector);
    sealTag(sector, 0, 512);
    expect(hex(sector.subarray(0, 16))).toBe('08000200200000000000f00125000000');
  });

  it('a changed byte changes the CRC', () => {
    const sector = new Uint8Array(512);
    descriptors.terminatingDescriptor.encode({ descriptorTag: tag(8, 37) }, sector);
    sector[100] = 1;
    sealTag(sector, 0, 512);
    expect(hex(sector.subarray(8, 10))).not.toBe('0000');
    expect(descriptorTag.decode(sector).descriptorCRCLength).toBe(496);
  });
});

describe('CS0 and d-strings', () => {
  it('uses compression ID 8 below U+0100 and 16 (big-endian) otherwise', () => {
    expect(hex(cs0('abc'))).toBe('08616263');
    expect(hex(cs0('é'))).toBe('08e9');
    expect(hex(cs0('aΩ'))).toBe('10006103a9');
    expect(hex(cs0(''))).toBe('');
    for (const text of ['abc', 'Ünïcödé', 'Ωmega ✓', '😀']) expect(decodeCs0(cs0(text))).toBe(text);
  });

  it('writes the PVD volume identifier as genisoimage does', () => {
    const field = new Uint8Array(32);
    dstring(32).encode(field, 0, 'MYVOL');
    expect(hex(field)).toBe('084d59564f4c0000000000000000000000000000000000000000000000000006');
    expect(dstring(32).decode(field, 0)).toBe('MYVOL');
  });

  it('keeps the prefix that fits and never splits a surrogate pair', () => {
    const field = new Uint8Array(32);
    dstring(32).encode(field, 0, 'A'.repeat(40));
    expect(field[31]).toBe(31);
    expect(dstring(32).decode(field, 0)).toBe('A'.repeat(30));
    dstring(32).encode(field, 0, 'Ω'.repeat(40));
    expect(dstring(32).decode(field, 0)).toBe('Ω'.repeat(15));
    dstring(32).encode(field, 0, 'ΩΩΩΩΩΩΩΩΩΩΩΩΩΩ😀');
    expect(dstring(32).decode(field, 0)).toBe('ΩΩΩΩΩΩΩΩΩΩΩΩΩΩ');
    dstring(32).encode(field, 0, '');
    expect(field.every((b) => b === 0)).toBe(true);
  });
});

describe('timestamp', () => {
  it('is UTC, type 1, zone 0, as genisoimage writes it', () => {
    const field = new Uint8Array(12);
    timestamp.encode(field, 0, new Date('2026-11-26T06:13:24Z'));
    expect(hex(field)).toBe('0010ea070b1a060d18000000');
  });

  it('keeps milliseconds as centiseconds and hundreds of microseconds', () => {
    const field = new Uint8Array(12);
    const date = new Date('1999-12-31T23:59:59.123Z');
    timestamp.encode(field, 0, date);
    expect(hex(field)).toBe('0010cf070c1f173b3b0c1e00');
    expect(timestamp.decode(field, 0).toISOString()).toBe(date.toISOString());
  });

  it('decodes a zone offset', () => {
    // 2000-01-01 01:00 at UTC+60 minutes = 2000-01-01 00:00 UTC
    expect(timestamp.decode(fromHex('3c10d00701010100000000000'.padEnd(24, '0')), 0).toISOString()).toBe('2000-01-01T00:00:00.000Z');
  });

  it('rejects an invalid date with a typed error', () => {
    expect(() => timestamp.encode(new Uint8Array(12), 0, new Date(Number.NaN))).toThrow(expect.objectContaining({ code: 'E_INVALIDARG' }));
  });
});

describe('entity identifiers', () => {
  it('match genisoimage for *UDF LV Info and the domain', () => {
    expect(hex(regid.toBytes(udfIdentifier('*UDF LV Info')))).toBe('002a554446204c5620496e666f00000000000000000000000201000000000000');
    expect(hex(regid.toBytes(domainIdentifier))).toBe('002a4f5354412055444620436f6d706c69616e74000000000201030000000000');
  });
});

describe('field tables', () => {
  it('have the sizes ECMA-167 gives them', () => {
    const sizes: Array<[{ sizeBytes: number }, number]> = [
      [descriptorTag, 16], [charspec, 64], [regid, 32], [extentAd, 8], [lbAddr, 6], [longAd, 16], [shortAd, 8],
      [descriptors.volumeStructureDescriptor, 2048], [descriptors.anchorVolumeDescriptorPointer, 512],
      [descriptors.primaryVolumeDescriptor, 512], [descriptors.implementationUseVolumeDescriptor, 512],
      [descriptors.partitionDescriptor, 512], [descriptors.logicalVolumeDescriptor, 440], [descriptors.type1PartitionMap, 6],
      [descriptors.unallocatedSpaceDescriptor, 24], [descriptors.terminatingDescriptor, 512],
      [descriptors.logicalVolumeIntegrityDescriptor, 88 + descriptors.lvidImplementationUseBytes], [descriptors.fileSetDescriptor, 512],
      [descriptors.icbTag, 20], [descriptors.fileEntry, 176], [descriptors.fileIdentifierDescriptor, 38],
    ];
    for (const [table, size] of sizes) expect(table.sizeBytes).toBe(size);
  });

  it('pads a FID to 4 bytes and limits a short_ad to whole blocks below 2^30', () => {
    expect(descriptors.fileIdentifierDescriptorBytes(0)).toBe(40);
    expect(descriptors.fileIdentifierDescriptorBytes(6)).toBe(44);
    expect(descriptors.fileIdentifierDescriptorBytes(255)).toBe(296);
    expect(maxExtentBytes).toBe(0x3ffff800);
  });

  it('typed errors are CmTsErrors', () => {
    try {
      timestamp.encode(new Uint8Array(12), 0, new Date('0000-01-01T00:00:00Z'));
      expect.unreachable();
    } catch (err) {
      expect(isCmTsError(err, 'E_INVALIDARG')).toBe(true);
    }
  });
});

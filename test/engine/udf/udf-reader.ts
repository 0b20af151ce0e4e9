/**
 * Test helper: a strict little UDF reader that follows the image the way a driver does (AVDP at
 * 256 -> main VDS -> PD + LVD -> FSD -> root File Entry -> FIDs) and checks every descriptor tag it
 * passes: identifier, checksum, CRC over the whole descriptor, and tag location.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { crc16, decodeCs0, tagChecksum } from '../../../engine/src/formats/udf/codecs.js';
import { fileEntry, fileIdentifierDescriptor, fileIdentifierDescriptorBytes, logicalVolumeDescriptor } from '../../../engine/src/formats/udf/descriptors.js';

const blockBytes = 2048;

export interface ReadEntry {
  path: string;
  directory: boolean;
  informationLength: number;
  uniqueId: number;
  fidUniqueId: number;
  fileLinkCount: number;
  /** [length, partition-relative block] */
  extents: Array<[number, number]>;
}

export interface ReadVolume {
  partitionStartLba: number;
  partitionLength: number;
  logicalVolumeIdentifier: string;
  nextUniqueId: number;
  entries: ReadEntry[];
  descriptorsChecked: number;
}

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, o: number): number => u32(b, o) + u32(b, o + 4) * 2 ** 32;

export function readUdf(image: string): ReadVolume {
  const fd = openSync(image, 'r');
  let checked = 0;
  const read = (lba: number, count = 1): Uint8Array => {
    const buffer = new Uint8Array(count * blockBytes);
    readSync(fd, buffer, 0, buffer.length, lba * blockBytes);
    return buffer;
  };
  const checkTag = (b: Uint8Array, o: number, identifier: number, location: number, what: string): void => {
    if (u16(b, o) !== identifier) throw new Error(`${what}: tag ${u16(b, o)}, expected ${identifier}`);
    if (tagChecksum(b, o) !== b[o + 4]) throw new Error(`${what}: bad tag checksum`);
    const crcLength = u16(b, o + 10);
    if (crc16(b.subarray(o + 16, o + 16 + crcLength)) !== u16(b, o + 8)) throw new Error(`${what}: bad descriptor CRC`);
    if (u32(b, o + 12) !== location) throw new Error(`${what}: tag location ${u32(b, o + 12)}, expected ${location}`);
    checked++;
  };
  try {
    const avdp = read(256);
    checkTag(avdp, 0, 2, 256, 'AVDP');
    const vdsLba = u32(avdp, 20);
    let partitionStartLba = -1;
    let partitionLength = 0;
    let fsdBlock = -1;
    let logicalVolumeIdentifier = '';
    for (let lba = vdsLba; ; lba++) {
      const d = read(lba);
      const id = u16(d, 0);
      checkTag(d, 0, id, lba, `VDS sector ${lba}`);
      if (id === 8) break;
      if (id === 5) {
        partitionStartLba = u32(d, 188);
        partitionLength = u32(d, 192);
      }
      if (id === 6) {
        const lvd = logicalVolumeDescriptor.decode(d);
        fsdBlock = lvd.fileSetDescriptorLocation.extentLocation.logicalBlockNumber;
        logicalVolumeIdentifier = lvd.logicalVolumeIdentifier;
        if (crcLengthOf(d) !== 430) throw new Error('LVD CRC length');
      }
    }
    const lvid = read(64);
    checkTag(lvid, 0, 9, 64, 'LVID');
    const nextUniqueId = u64(lvid, 40);
    const block = (b: number, count = 1): Uint8Array => read(partitionStartLba + b, count);
    const fsd = block(fsdBlock);
    checkTag(fsd, 0, 256, fsdBlock, 'FSD');
    const rootBlock = u32(fsd, 404);

    const entries: ReadEntry[] = [];
    const readEntry = (feBlock: number, path: string, fidUniqueId: number, parentBlock: number): void => {
      const fe = block(feBlock);
      checkTag(fe, 0, 261, feBlock, `FE of ${path}`);
      const v = fileEntry.decode(fe);
      const extents: Array<[number, number]> = [];
      for (let o = 176; o < 176 + v.lengthOfAllocationDescriptors; o += 8) extents.push([u32(fe, o) & 0x3fffffff, u32(fe, o + 4)]);
      const directory = v.icbTag.fileType === 4;
      entries.push({ path, directory, informationLength: v.informationLength, uniqueId: v.uniqueId, fidUniqueId, fileLinkCount: v.fileLinkCount, extents });
      if (!directory) return;
      const [length, start] = extents[0]!;
      const data = block(start, Math.ceil(length / blockBytes));
      for (let position = 0; position < length;) {
        const f = fileIdentifierDescriptor.decode(data, position);
        checkTag(data, position, 257, start + Math.floor(position / blockBytes), `FID at ${position} in ${path}`);
        const name = decodeCs0(data.subarray(position + 38, position + 38 + f.lengthOfFileIdentifier));
        const target = f.icb.extentLocation.logicalBlockNumber;
        if (position === 0) {
          if (f.fileCharacteristics !== 0x0a || target !== parentBlock) throw new Error(`${path}: first FID is not the parent`);
        } else {
          if (f.fileCharacteristics & 0x08) throw new Error(`${path}: a second parent FID`);
          readEntry(target, `${path}${name}${f.fileCharacteristics & 0x02 ? '/' : ''}`, f.icb.udfUniqueId, feBlock);
        }
        position += fileIdentifierDescriptorBytes(f.lengthOfFileIdentifier);
      }
    };
    readEntry(rootBlock, '/', 0, rootBlock);
    return { partitionStartLba, partitionLength, logicalVolumeIdentifier, nextUniqueId, entries, descriptorsChecked: checked };
  } finally {
    closeSync(fd);
  }
}

const crcLengthOf = (b: Uint8Array): number => u16(b, 10);

/**
 * Encoders for the ISO 9660 / Joliet / El Torito structures of a planned image. Byte layouts come
 * from the field tables; this file only fills them from the plan.
 */
import { bootRecordVolumeDescriptor } from '../eltorito/index.js';
import {
  directoryRecord, fileFlags, pathTableRecordL, pathTableRecordM, primaryVolumeDescriptor, sectorBytes,
  volumeDescriptorSetTerminator, volumeDescriptorType,
} from '../iso9660/structures.js';
import { jolietLevel3Escape, supplementaryVolumeDescriptor } from '../joliet/index.js';
import { maxExtentBytes, type DirPlan, type IsoPlan } from './model.js';

export const applicationIdentifier = 'CMTSMEDIA';

export interface RecordFields {
  identifier: Uint8Array;
  lba: number;
  dataLength: number;
  date: Date;
  flags: number;
}

/** ECMA-119 9.1 directory record with its identifier and padding; `target` is zeroed by the caller. */
export function encodeDirectoryRecord(r: RecordFields, target: Uint8Array, offset: number): number {
  const length = directoryRecord.sizeBytes + r.identifier.length + (r.identifier.length % 2 === 0 ? 1 : 0);
  directoryRecord.encode({
    lengthOfDirectoryRecord: length, locationOfExtent: r.lba, dataLength: r.dataLength, recordingDateAndTime: r.date,
    fileFlags: r.flags, lengthOfFileIdentifier: r.identifier.length,
  }, target, offset);
  target.set(r.identifier, offset + directoryRecord.sizeBytes);
  return length;
}

/** Visits the records of one directory in order: `.`, `..`, then every entry (a file once per extent). */
export function forEachDirectoryRecord(dir: DirPlan, tree: 'iso' | 'joliet', visit: (record: RecordFields) => void): void {
  const self = dir[tree];
  const parent = (dir.parent ?? dir)[tree];
  visit({ identifier: dot, lba: self.lba, dataLength: self.sizeBytes, date: dir.modified, flags: fileFlags.directory });
  visit({ identifier: dotDot, lba: parent.lba, dataLength: parent.sizeBytes, date: (dir.parent ?? dir).modified, flags: fileFlags.directory });
  for (const { identifier, target } of self.records) {
    if (target.kind === 'dir') {
      visit({ identifier, lba: target[tree].lba, dataLength: target[tree].sizeBytes, date: target.modified, flags: fileFlags.directory });
      continue;
    }
    // ECMA-119 6.5.1 / 9.1.6: a file over 4 GiB − 2 KiB is several consecutive extents, all but the last flagged
    let rest = target.sizeBytes;
    let lba = target.lba;
    do {
      const dataLength = Math.min(rest, maxExtentBytes);
      rest -= dataLength;
      visit({ identifier, lba, dataLength, date: target.modified, flags: rest > 0 ? fileFlags.notFinal : 0 });
      lba += dataLength / sectorBytes;
    } while (rest > 0);
  }
}

const dot = new Uint8Array([0]);
const dotDot = new Uint8Array([1]);

/** ECMA-119 9.4 path table record with identifier and pad; `target` is zeroed by the caller. */
export function encodePathTableRecord(dir: DirPlan, tree: 'iso' | 'joliet', bigEndian: boolean, target: Uint8Array, offset: number): void {
  const side = dir[tree];
  (bigEndian ? pathTableRecordM : pathTableRecordL).encode({
    lengthOfDirectoryIdentifier: side.identifier.length, locationOfExtent: side.lba,
    parentDirectoryNumber: dir.parent ? dir.parent[tree].number : 1,
  }, target, offset);
  target.set(side.identifier, offset + 8);
}

export function volumeDescriptorBytes(plan: Omit<IsoPlan, 'sections'>, tree: 'iso' | 'joliet'): Uint8Array {
  const root = new Uint8Array(34);
  encodeDirectoryRecord({ identifier: dot, lba: plan.root[tree].lba, dataLength: plan.root[tree].sizeBytes, date: plan.root.modified, flags: fileFlags.directory }, root, 0);
  const lbas = tree === 'iso' ? [plan.pathTableLbas.isoL, plan.pathTableLbas.isoM] : [plan.pathTableLbas.jolietL, plan.pathTableLbas.jolietM];
  const table = tree === 'iso' ? primaryVolumeDescriptor : supplementaryVolumeDescriptor;
  return table.toBytes({
    volumeDescriptorType: tree === 'iso' ? volumeDescriptorType.primary : volumeDescriptorType.supplementary,
    volumeFlags: 0,
    systemIdentifier: '',
    volumeIdentifier: tree === 'iso' ? plan.isoVolumeIdentifier : plan.jolietVolumeIdentifier,
    volumeSpaceSize: plan.volumeSectors,
    escapeSequences: tree === 'iso' ? new Uint8Array(0) : jolietLevel3Escape,
    volumeSetSize: 1,
    volumeSequenceNumber: 1,
    logicalBlockSize: sectorBytes,
    pathTableSize: plan.pathTableBytes[tree],
    typeLPathTableLba: lbas[0]!,
    optionalTypeLPathTableLba: 0,
    typeMPathTableLba: lbas[1]!,
    optionalTypeMPathTableLba: 0,
    rootDirectoryRecord: root,
    volumeSetIdentifier: tree === 'iso' ? plan.isoVolumeIdentifier : plan.jolietVolumeIdentifier,
    publisherIdentifier: '',
    dataPreparerIdentifier: '',
    applicationIdentifier,
    copyrightFileIdentifier: '',
    abstractFileIdentifier: '',
    bibliographicFileIdentifier: '',
    volumeCreationDateTime: plan.timestamp,
    volumeModificationDateTime: plan.timestamp,
    volumeExpirationDateTime: null,
    volumeEffectiveDateTime: null,
  });
}

export function bootRecordBytes(bootCatalogLba: number): Uint8Array {
  return bootRecordVolumeDescriptor.toBytes({ bootCatalogLba });
}

export function terminatorBytes(): Uint8Array {
  return volumeDescriptorSetTerminator.toBytes({});
}

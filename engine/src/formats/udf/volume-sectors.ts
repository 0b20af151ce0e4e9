/**
 * The UDF sectors outside the partition, at fixed places (the map in index.ts): the volume recognition
 * sequence, the main and reserve volume descriptor sequences, the integrity sequence and the two
 * anchors. UdfPlan.fixedSectors hands them to the ISO planner.
 */
import type { Table, TableValues } from '../binary/index.js';
import {
  blockBytes, domainIdentifier, type FieldMap, emptyRegid, implementationIdentifier, longAd, nsr02PartitionContents,
  ostaCompressedUnicode, sealTag, tag, tagIdentifier, udfIdentifier, udfRevision,
} from './codecs.js';
import {
  anchorVolumeDescriptorPointer, implementationUseVolumeDescriptor, logicalVolumeDescriptor, logicalVolumeIntegrityDescriptor,
  lvidImplementationUseBytes, partitionDescriptor, primaryVolumeDescriptor, terminatingDescriptor,
  type1PartitionMap, unallocatedSpaceDescriptor, volumeStructureDescriptor,
} from './descriptors.js';

export const udfFixedLbas = { vdsMain: 32, vdsReserve: 48, integrity: 64, anchor: 256 } as const;

/** ECMA-167 3/8.4.2: a volume descriptor sequence extent of 16 sectors (UDF 1.02 2.2.3: at least 16). */
const vdsSectors = 16;
/** LVID + TD. */
const integritySectors = 2;
/** What the fixed sectors record: the volume, the placement and the counts of the partition's contents. */
export interface FixedSectorFacts {
  readonly volumeIdentifier: string;
  readonly timestamp: Date;
  readonly vrsStartLba: number;
  readonly partitionStartLba: number;
  readonly volumeSectors: number;
  /** The LVID header's next free unique ID. */
  readonly nextUniqueId: number;
  readonly fileCount: number;
  readonly directoryCount: number;
}

type Sector = { lba: number; bytes: Uint8Array };

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** VRS (3 sectors from vrsStartLba), main and reserve VDS, LVID, AVDP at 256 and at volumeSectors - 1. */
export function volumeSectorsOf(facts: FixedSectorFacts): Sector[] {
  const { vrsStartLba, volumeSectors } = facts;
  const partitionLength = volumeSectors - 1 - facts.partitionStartLba;
  const sectors: Sector[] = ['BEA01', 'NSR02', 'TEA01'].map((id, i) => ({
    lba: vrsStartLba + i, bytes: volumeStructureDescriptor.toBytes({ standardIdentifier: ascii(id) }),
  }));
  // UDF 1.02 2.2.2-2.2.7; the reserve sequence is the same descriptors with their own tag locations.
  for (const base of [udfFixedLbas.vdsMain, udfFixedLbas.vdsReserve]) sectors.push(...volumeDescriptorSequence(base, facts, partitionLength));
  sectors.push(...integritySequence(facts, partitionLength));
  for (const lba of [udfFixedLbas.anchor, volumeSectors - 1]) sectors.push(anchor(lba));
  return sectors;
}

/** UDF 1.02 2.2.2-2.2.7: PVD, IUVD, PD, LVD, USD, TD from sector `base`. */
function volumeDescriptorSequence(base: number, facts: FixedSectorFacts, partitionLength: number): Sector[] {
  const { volumeIdentifier, timestamp, partitionStartLba } = facts;
  const at = (i: number): number => base + i;
  return [
    sealed(at(0), primaryVolumeDescriptor, {
      descriptorTag: tag(tagIdentifier.primaryVolumeDescriptor, at(0)),
      volumeDescriptorSequenceNumber: 0,
      primaryVolumeDescriptorNumber: 0,
      volumeIdentifier,
      volumeSequenceNumber: 1,
      maximumVolumeSequenceNumber: 1,
      interchangeLevel: 2,
      maximumInterchangeLevel: 2,
      characterSetList: 1,
      maximumCharacterSetList: 1,
      volumeSetIdentifier: volumeSetIdentifier(volumeIdentifier, timestamp),
      descriptorCharacterSet: ostaCompressedUnicode,
      explanatoryCharacterSet: ostaCompressedUnicode,
      volumeAbstract: { extentLength: 0, extentLocation: 0 },
      volumeCopyrightNotice: { extentLength: 0, extentLocation: 0 },
      applicationIdentifier: emptyRegid,
      recordingDateAndTime: timestamp,
      implementationIdentifier,
      predecessorVolumeDescriptorSequenceLocation: 0,
      flags: 0,
    }),
    sealed(at(1), implementationUseVolumeDescriptor, {
      descriptorTag: tag(tagIdentifier.implementationUseVolumeDescriptor, at(1)),
      volumeDescriptorSequenceNumber: 1,
      implementationIdentifier: udfIdentifier('*UDF LV Info'),
      lviCharset: ostaCompressedUnicode,
      logicalVolumeIdentifier: volumeIdentifier,
      lvInfo1: '',
      lvInfo2: '',
      lvInfo3: '',
      implementationId: implementationIdentifier,
    }),
    sealed(at(2), partitionDescriptor, {
      descriptorTag: tag(tagIdentifier.partitionDescriptor, at(2)),
      volumeDescriptorSequenceNumber: 2,
      partitionFlags: 1, // ECMA-167 3/10.5.3: space allocated
      partitionNumber: 0,
      partitionContents: nsr02PartitionContents,
      accessType: 1, // ECMA-167 3/10.5.7: read only
      partitionStartingLocation: partitionStartLba,
      partitionLength,
      implementationIdentifier,
    }),
    sealed(at(3), logicalVolumeDescriptor, {
      descriptorTag: tag(tagIdentifier.logicalVolumeDescriptor, at(3)),
      volumeDescriptorSequenceNumber: 3,
      descriptorCharacterSet: ostaCompressedUnicode,
      logicalVolumeIdentifier: volumeIdentifier,
      logicalBlockSize: blockBytes,
      domainIdentifier,
      fileSetDescriptorLocation: icbAddress(0, 0),
      mapTableLength: type1PartitionMap.sizeBytes,
      numberOfPartitionMaps: 1,
      implementationIdentifier,
      integritySequenceExtent: { extentLength: integritySectors * blockBytes, extentLocation: udfFixedLbas.integrity },
    }, (bytes) => {
      type1PartitionMap.encode({ volumeSequenceNumber: 1, partitionNumber: 0 }, bytes, logicalVolumeDescriptor.sizeBytes);
      return logicalVolumeDescriptor.sizeBytes + type1PartitionMap.sizeBytes;
    }),
    sealed(at(4), unallocatedSpaceDescriptor, {
      descriptorTag: tag(tagIdentifier.unallocatedSpaceDescriptor, at(4)),
      volumeDescriptorSequenceNumber: 4,
      numberOfAllocationDescriptors: 0,
    }),
    sealed(at(5), terminatingDescriptor, { descriptorTag: tag(tagIdentifier.terminatingDescriptor, at(5)) }),
  ];
}

/** UDF 1.02 2.2.6: a closed integrity descriptor; the header's unique ID is the next free one. */
function integritySequence(facts: FixedSectorFacts, partitionLength: number): Sector[] {
  const { timestamp } = facts;
  return [
    sealed(udfFixedLbas.integrity, logicalVolumeIntegrityDescriptor, {
      descriptorTag: tag(tagIdentifier.logicalVolumeIntegrityDescriptor, udfFixedLbas.integrity),
      recordingDateAndTime: timestamp,
      integrityType: 1,
      nextIntegrityExtent: { extentLength: 0, extentLocation: 0 },
      uniqueId: facts.nextUniqueId,
      numberOfPartitions: 1,
      lengthOfImplementationUse: lvidImplementationUseBytes,
      freeSpaceTable: 0,
      sizeTable: partitionLength,
      implementationId: implementationIdentifier,
      numberOfFiles: facts.fileCount,
      numberOfDirectories: facts.directoryCount,
      minimumUdfReadRevision: udfRevision,
      minimumUdfWriteRevision: udfRevision,
      maximumUdfWriteRevision: udfRevision,
    }),
    sealed(udfFixedLbas.integrity + 1, terminatingDescriptor, { descriptorTag: tag(tagIdentifier.terminatingDescriptor, udfFixedLbas.integrity + 1) }),
  ];
}

/** ECMA-167 3/10.2: the anchor volume descriptor pointer at `lba`. */
function anchor(lba: number): Sector {
  return sealed(lba, anchorVolumeDescriptorPointer, {
    descriptorTag: tag(tagIdentifier.anchorVolumeDescriptorPointer, lba),
    mainVolumeDescriptorSequenceExtent: { extentLength: vdsSectors * blockBytes, extentLocation: udfFixedLbas.vdsMain },
    reserveVolumeDescriptorSequenceExtent: { extentLength: vdsSectors * blockBytes, extentLocation: udfFixedLbas.vdsReserve },
  });
}

/** A long_ad to a one-block ICB (File Entry or FSD) in partition 0. */
export function icbAddress(block: number, uniqueId: number): TableValues<typeof longAd.fields> {
  return { extentLength: blockBytes, extentLocation: { logicalBlockNumber: block, partitionReferenceNumber: 0 }, adImpUseFlags: 0, udfUniqueId: uniqueId % 2 ** 32 };
}

/**
 * UDF 1.02 2.2.2.5: the first 16 characters of the volume set identifier are unique, the first 8
 * of them a hex time value. Here: the timestamp's seconds and an FNV-1a hash of the volume
 * identifier, so the same inputs give the same bytes.
 */
function volumeSetIdentifier(volumeIdentifier: string, timestamp: Date): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < volumeIdentifier.length; i++) hash = Math.imul(hash ^ volumeIdentifier.charCodeAt(i), 0x01000193) >>> 0;
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');
  return hex(Math.floor(timestamp.getTime() / 1000) >>> 0) + hex(hash);
}

/** A descriptor alone in a sector, its tag sealed; `tail` writes what follows the fixed part and returns the descriptor's full length. */
function sealed<F extends FieldMap>(
  lba: number,
  descriptor: Table<F>,
  values: TableValues<F>,
  tail?: (bytes: Uint8Array) => number,
): { lba: number; bytes: Uint8Array } {
  const bytes = new Uint8Array(blockBytes);
  descriptor.encode(values, bytes);
  sealTag(bytes, 0, tail ? tail(bytes) : descriptor.sizeBytes);
  return { lba, bytes };
}

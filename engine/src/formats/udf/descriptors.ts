/**
 * The UDF 1.02 descriptors this writer records, as field tables in ECMA-167 3rd edition's names.
 * Offsets are ECMA-167's 0-based BP/RBP. Variable-length tails (partition maps, allocation
 * descriptors, file identifiers) follow the fixed part and are written by the plan.
 */
import { bytes, fixed, reserved, table, u16le, u32le, u64le, u8 } from '../binary/index.js';
import { blockBytes, charspec, descriptorTag, dstring, extentAd, lbAddr, longAd, nested, regid, timestamp } from './codecs.js';

const tagField = nested(descriptorTag);
const regidField = nested(regid);
const charspecField = nested(charspec);
const extentAdField = nested(extentAd);
const longAdField = nested(longAd);

/** ECMA-167 2/9.1 volume structure descriptor (BEA01, NSR02, TEA01), a whole sector. */
export const volumeStructureDescriptor = table('volumeStructureDescriptor', blockBytes, {
  structureType: [0, fixed(u8, 0)],
  standardIdentifier: [1, bytes(5)],
  structureVersion: [6, fixed(u8, 1)],
  structureData: [7, reserved(2041)],
});

/** ECMA-167 3/10.2 Anchor Volume Descriptor Pointer. */
export const anchorVolumeDescriptorPointer = table('anchorVolumeDescriptorPointer', 512, {
  descriptorTag: [0, tagField],
  mainVolumeDescriptorSequenceExtent: [16, extentAdField],
  reserveVolumeDescriptorSequenceExtent: [24, extentAdField],
  reserved: [32, reserved(480)],
});

/** ECMA-167 3/10.1 Primary Volume Descriptor (UDF 1.02 2.2.2). */
export const primaryVolumeDescriptor = table('primaryVolumeDescriptor', 512, {
  descriptorTag: [0, tagField],
  volumeDescriptorSequenceNumber: [16, u32le],
  primaryVolumeDescriptorNumber: [20, u32le],
  volumeIdentifier: [24, dstring(32)],
  volumeSequenceNumber: [56, u16le],
  maximumVolumeSequenceNumber: [58, u16le],
  interchangeLevel: [60, u16le],
  maximumInterchangeLevel: [62, u16le],
  characterSetList: [64, u32le],
  maximumCharacterSetList: [68, u32le],
  volumeSetIdentifier: [72, dstring(128)],
  descriptorCharacterSet: [200, charspecField],
  explanatoryCharacterSet: [264, charspecField],
  volumeAbstract: [328, extentAdField],
  volumeCopyrightNotice: [336, extentAdField],
  applicationIdentifier: [344, regidField],
  recordingDateAndTime: [376, timestamp],
  implementationIdentifier: [388, regidField],
  implementationUse: [420, reserved(64)],
  predecessorVolumeDescriptorSequenceLocation: [484, u32le],
  flags: [488, u16le],
  reserved: [490, reserved(22)],
});

/** ECMA-167 3/10.4 Implementation Use Volume Descriptor with UDF 1.02 2.2.7.2 LVInformation. */
export const implementationUseVolumeDescriptor = table('implementationUseVolumeDescriptor', 512, {
  descriptorTag: [0, tagField],
  volumeDescriptorSequenceNumber: [16, u32le],
  implementationIdentifier: [20, regidField],
  lviCharset: [52, charspecField],
  logicalVolumeIdentifier: [116, dstring(128)],
  lvInfo1: [244, dstring(36)],
  lvInfo2: [280, dstring(36)],
  lvInfo3: [316, dstring(36)],
  implementationId: [352, regidField],
  implementationUse: [384, reserved(128)],
});

/** ECMA-167 3/10.5 Partition Descriptor (UDF 1.02 2.2). */
export const partitionDescriptor = table('partitionDescriptor', 512, {
  descriptorTag: [0, tagField],
  volumeDescriptorSequenceNumber: [16, u32le],
  partitionFlags: [20, u16le],
  partitionNumber: [22, u16le],
  partitionContents: [24, regidField],
  partitionContentsUse: [56, reserved(128)],
  accessType: [184, u32le],
  partitionStartingLocation: [188, u32le],
  partitionLength: [192, u32le],
  implementationIdentifier: [196, regidField],
  implementationUse: [228, reserved(128)],
  reserved: [356, reserved(156)],
});

/** ECMA-167 3/10.6 Logical Volume Descriptor, fixed part; the partition maps follow at 440. */
export const logicalVolumeDescriptor = table('logicalVolumeDescriptor', 440, {
  descriptorTag: [0, tagField],
  volumeDescriptorSequenceNumber: [16, u32le],
  descriptorCharacterSet: [20, charspecField],
  logicalVolumeIdentifier: [84, dstring(128)],
  logicalBlockSize: [212, u32le],
  domainIdentifier: [216, regidField],
  // UDF 1.02 2.2.4: the logical volume contents use holds the File Set Descriptor's long_ad.
  fileSetDescriptorLocation: [248, longAdField],
  mapTableLength: [264, u32le],
  numberOfPartitionMaps: [268, u32le],
  implementationIdentifier: [272, regidField],
  implementationUse: [304, reserved(128)],
  integritySequenceExtent: [432, extentAdField],
});

/** ECMA-167 3/10.7.2 Type 1 Partition Map. */
export const type1PartitionMap = table('type1PartitionMap', 6, {
  partitionMapType: [0, fixed(u8, 1)],
  partitionMapLength: [1, fixed(u8, 6)],
  volumeSequenceNumber: [2, u16le],
  partitionNumber: [4, u16le],
});

/** ECMA-167 3/10.8 Unallocated Space Descriptor with no extents. */
export const unallocatedSpaceDescriptor = table('unallocatedSpaceDescriptor', 24, {
  descriptorTag: [0, tagField],
  volumeDescriptorSequenceNumber: [16, u32le],
  numberOfAllocationDescriptors: [20, u32le],
});

/** ECMA-167 3/10.9 and 4/14.2 Terminating Descriptor. */
export const terminatingDescriptor = table('terminatingDescriptor', 512, {
  descriptorTag: [0, tagField],
  reserved: [16, reserved(496)],
});

/**
 * ECMA-167 3/10.10 Logical Volume Integrity Descriptor for one partition, with its
 * logical volume header descriptor (4/14.15) and UDF 1.02 2.2.6.4 implementation use.
 */
export const logicalVolumeIntegrityDescriptor = table('logicalVolumeIntegrityDescriptor', 134, {
  descriptorTag: [0, tagField],
  recordingDateAndTime: [16, timestamp],
  integrityType: [28, u32le],
  nextIntegrityExtent: [32, extentAdField],
  uniqueId: [40, u64le],
  logicalVolumeHeaderReserved: [48, reserved(24)],
  numberOfPartitions: [72, u32le],
  lengthOfImplementationUse: [76, u32le],
  freeSpaceTable: [80, u32le],
  sizeTable: [84, u32le],
  implementationId: [88, regidField],
  numberOfFiles: [120, u32le],
  numberOfDirectories: [124, u32le],
  minimumUdfReadRevision: [128, u16le],
  minimumUdfWriteRevision: [130, u16le],
  maximumUdfWriteRevision: [132, u16le],
});
export const lvidImplementationUseBytes = 46;

/** ECMA-167 4/14.1 File Set Descriptor (UDF 1.02 2.3.2). */
export const fileSetDescriptor = table('fileSetDescriptor', 512, {
  descriptorTag: [0, tagField],
  recordingDateAndTime: [16, timestamp],
  interchangeLevel: [28, u16le],
  maximumInterchangeLevel: [30, u16le],
  characterSetList: [32, u32le],
  maximumCharacterSetList: [36, u32le],
  fileSetNumber: [40, u32le],
  fileSetDescriptorNumber: [44, u32le],
  logicalVolumeIdentifierCharacterSet: [48, charspecField],
  logicalVolumeIdentifier: [112, dstring(128)],
  fileSetCharacterSet: [240, charspecField],
  fileSetIdentifier: [304, dstring(32)],
  copyrightFileIdentifier: [336, dstring(32)],
  abstractFileIdentifier: [368, dstring(32)],
  rootDirectoryIcb: [400, longAdField],
  domainIdentifier: [416, regidField],
  nextExtent: [448, longAdField],
  reserved: [464, reserved(48)],
});

/** ECMA-167 4/14.6 ICB tag. */
export const icbTag = table('icbtag', 20, {
  priorRecordedNumberOfDirectEntries: [0, u32le],
  strategyType: [4, u16le],
  strategyParameter: [6, u16le],
  maximumNumberOfEntries: [8, u16le],
  reserved: [10, reserved(1)],
  fileType: [11, u8],
  parentIcbLocation: [12, nested(lbAddr)],
  flags: [18, u16le],
});

/** ECMA-167 4/14.6.6 file types. */
export const fileType = { directory: 4, file: 5 } as const;

/** ECMA-167 4/14.9 File Entry, fixed part; extended attributes (none) and allocation descriptors follow at 176. */
export const fileEntry = table('fileEntry', 176, {
  descriptorTag: [0, tagField],
  icbTag: [16, nested(icbTag)],
  uid: [36, u32le],
  gid: [40, u32le],
  permissions: [44, u32le],
  fileLinkCount: [48, u16le],
  recordFormat: [50, u8],
  recordDisplayAttributes: [51, u8],
  recordLength: [52, u32le],
  informationLength: [56, u64le],
  logicalBlocksRecorded: [64, u64le],
  accessTime: [72, timestamp],
  modificationTime: [84, timestamp],
  attributeTime: [96, timestamp],
  checkpoint: [108, u32le],
  extendedAttributeIcb: [112, longAdField],
  implementationIdentifier: [128, regidField],
  uniqueId: [160, u64le],
  lengthOfExtendedAttributes: [168, u32le],
  lengthOfAllocationDescriptors: [172, u32le],
});

/** ECMA-167 4/14.9.5 permissions: other, group and owner each read (4) and execute (1). */
export const permissions = { directory: 0x14a5, file: 0x1084 } as const;

/** ECMA-167 4/14.4 File Identifier Descriptor, fixed part; implementation use (none) and the identifier follow at 38. */
export const fileIdentifierDescriptor = table('fileIdentifierDescriptor', 38, {
  descriptorTag: [0, tagField],
  fileVersionNumber: [16, u16le],
  fileCharacteristics: [18, u8],
  lengthOfFileIdentifier: [19, u8],
  icb: [20, longAdField],
  lengthOfImplementationUse: [36, u16le],
});

/** ECMA-167 4/14.4.3 file characteristics. */
export const fileCharacteristics = { directory: 0x02, parent: 0x08 } as const;

/** ECMA-167 4/14.4.9: a FID is padded to a multiple of 4 bytes. */
export function fileIdentifierDescriptorBytes(identifierBytes: number): number {
  return (fileIdentifierDescriptor.sizeBytes + identifierBytes + 3) & ~3;
}

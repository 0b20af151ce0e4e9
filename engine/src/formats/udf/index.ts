/**
 * UDF 1.02 (OSTA UDF 1.02 on ECMA-167 3rd edition) for the ISO 9660 / Joliet / UDF bridge image,
 * as `oscdimg -u1 -udfver102` writes it: the UDF tree references the same file data as the ISO 9660
 * and Joliet trees. The ISO planner owns the image; this module plans and encodes the UDF parts:
 *
 *   vrsStartLba..+2  BEA01 NSR02 TEA01 (ECMA-167 2/8.3)
 *   32..37           main VDS: PVD, IUVD, PD, LVD, USD, TD      (48..53 the reserve copy)
 *   64, 65           LVID, TD (the integrity sequence)
 *   256              AVDP, and again at volumeSectors - 1 (UDF 1.02 2.2.3: 256 and N)
 *   partition        from partitionStartLba: FSD, TD, then in pre-order each directory's File Entry
 *                    and directory data followed by its files' File Entries and subdirectories;
 *                    then the file data, placed by the ISO planner; ends at volumeSectors - 2.
 *
 * Layout is known from the tree alone (metadataSectors); assign() takes the placement; the
 * encoders then run once, sector by sector, in image order.
 */
import { CmTsError } from '../../errors/index.js';
import type { TableValues } from '../binary/index.js';
import type { TreeDir, TreeFile, TreeNode } from '../tree.js';
import {
  blockBytes, cs0, domainIdentifier, implementationIdentifier, longAd, maxExtentBytes,
  ostaCompressedUnicode, sealTag, shortAd, tag, tagIdentifier,
} from './codecs.js';
import {
  fileCharacteristics, fileEntry, fileIdentifierDescriptor, fileIdentifierDescriptorBytes,
  fileSetDescriptor, fileType, permissions, terminatingDescriptor,
} from './descriptors.js';
import { icbAddress, udfFixedLbas, volumeSectorsOf } from './volume-sectors.js';

export { udfFixedLbas } from './volume-sectors.js';

export interface UdfOptions {
  volumeIdentifier: string;
  timestamp: Date;
}

export interface UdfAssignment {
  /** absolute; metadata starts here */
  partitionStartLba: number;
  /** absolute LBA of the file's contiguous data (ignored for empty files) */
  fileLba(file: TreeFile): number;
  /** whole image, including the closing AVDP at volumeSectors - 1 */
  volumeSectors: number;
}

/** FSD + TD at the start of the partition (ECMA-167 4/8.3.1). */
const fileSetSectors = 2;
/** UDF 3.2.1 (Logical Volume Header Descriptor): unique IDs 1-15 are reserved (Mac OS); the root directory has 0. */
const firstUniqueId = 16;
/** ECMA-167 4/14.6.2 strategy 4: one direct entry per ICB. */
const icbStrategy = 4;
/** ECMA-167 4/14.4.4: the identifier length is one byte, so at most 255 bytes of CS0. */
const maxIdentifierBytes = 255;
/** Allocation descriptors that fit one File Entry block after its 176-byte fixed part. */
const maxShortAdsPerEntry = Math.floor((blockBytes - fileEntry.sizeBytes) / shortAd.sizeBytes);
/** ECMA-167 4/14.9.3-4: 2^32 - 1 is "no user / group"; UDF readers then use their own. */
const noOwner = 0xffffffff;
/** Metadata is handed out in chunks of up to this many sectors (fewer, larger writes). */
const chunkSectors = 32;

interface DirPlan {
  readonly kind: 'dir';
  readonly node: TreeDir;
  readonly parent: DirPlan | null;
  readonly feBlock: number;
  readonly uniqueId: number;
  readonly identifiers: readonly Uint8Array[];
  readonly dataBytes: number;
  readonly children: Array<DirPlan | FilePlan>;
  readonly subdirectories: number;
}

interface FilePlan {
  readonly kind: 'file';
  readonly node: TreeFile;
  readonly feBlock: number;
  readonly uniqueId: number;
}

type Plan = DirPlan | FilePlan;

const sectorsFor = (bytes: number): number => Math.ceil(bytes / blockBytes);

export class UdfPlan {
  /** known from the tree alone, before assign() */
  readonly metadataSectors: number;
  private readonly root: DirPlan;
  /** Directories and files in block order (pre-order). */
  private readonly items: Plan[] = [];
  private readonly fileCount: number;
  private readonly nextUniqueId: number;
  private assignment: UdfAssignment | null = null;

  constructor(root: TreeDir, private readonly options: UdfOptions) {
    let block = fileSetSectors;
    let uniqueId = firstUniqueId;
    let files = 0;
    const planDir = (node: TreeDir, parent: DirPlan | null, path: string): DirPlan => {
      const seen = new Set<string>();
      const identifiers = node.children.map((child) => {
        if (seen.has(child.name)) throw new CmTsError('E_INVALIDARG', `${path}${child.name} appears twice in the media tree`);
        seen.add(child.name);
        return fileIdentifier(child, path);
      });
      const dataBytes = identifiers.reduce((sum, id) => sum + fileIdentifierDescriptorBytes(id.length), fileIdentifierDescriptorBytes(0));
      const dir: DirPlan = {
        kind: 'dir', node, parent, feBlock: block, uniqueId: parent ? uniqueId++ : 0, identifiers, dataBytes, children: [],
        subdirectories: node.children.filter((c) => c.kind === 'dir').length,
      };
      block += 1 + sectorsFor(dataBytes);
      this.items.push(dir);
      for (const child of node.children) {
        if (child.kind === 'dir') {
          dir.children.push(planDir(child, dir, `${path}${child.name}/`));
          continue;
        }
        if (allocationDescriptorCount(child.source.sizeBytes) > maxShortAdsPerEntry) {
          throw new CmTsError('E_NOTIMPL', `${path}${child.name} is larger than ${maxShortAdsPerEntry} GiB, the most one UDF File Entry can describe here`);
        }
        const file: FilePlan = { kind: 'file', node: child, feBlock: block++, uniqueId: uniqueId++ };
        files++;
        this.items.push(file);
        dir.children.push(file);
      }
      return dir;
    };
    this.root = planDir(root, null, '/');
    this.metadataSectors = block;
    this.fileCount = files;
    this.nextUniqueId = uniqueId;
  }

  assign(assignment: UdfAssignment): void {
    const { partitionStartLba, volumeSectors } = assignment;
    const dataStartLba = partitionStartLba + this.metadataSectors;
    const anchorLba = volumeSectors - 1;
    if (!Number.isInteger(partitionStartLba) || partitionStartLba <= udfFixedLbas.anchor || !Number.isInteger(volumeSectors) || dataStartLba > anchorLba || anchorLba > 0xffffffff) {
      throw new CmTsError('E_UNEXPECTED', `UDF partition at ${partitionStartLba} with ${this.metadataSectors} metadata sectors does not fit a ${volumeSectors}-sector volume`);
    }
    for (const item of this.items) {
      if (item.kind !== 'file' || item.node.source.sizeBytes === 0) continue;
      const lba = assignment.fileLba(item.node);
      if (!Number.isInteger(lba) || lba < dataStartLba || lba + sectorsFor(item.node.source.sizeBytes) > anchorLba) {
        throw new CmTsError('E_UNEXPECTED', `UDF: ${item.node.source.origin} placed at ${lba}, outside the file data area ${dataStartLba}..${anchorLba - 1}`);
      }
    }
    this.assignment = assignment;
  }

  /** VRS (3 sectors from vrsStartLba), main and reserve VDS, LVID, AVDP at 256 and at volumeSectors - 1 */
  fixedSectors(vrsStartLba: number): Array<{ lba: number; bytes: Uint8Array }> {
    const { partitionStartLba, volumeSectors } = this.assigned();
    if (!Number.isInteger(vrsStartLba) || vrsStartLba < 16 || vrsStartLba + 3 > udfFixedLbas.vdsMain) {
      throw new CmTsError('E_UNEXPECTED', `UDF volume recognition sequence at ${vrsStartLba} does not fit before sector ${udfFixedLbas.vdsMain}`);
    }
    return volumeSectorsOf({
      ...this.options, vrsStartLba, partitionStartLba, volumeSectors, nextUniqueId: this.nextUniqueId,
      fileCount: this.fileCount, directoryCount: this.items.length - this.fileCount,
    });
  }

  /**
   * The metadata sectors in order from partitionStartLba; exactly metadataSectors * 2048 bytes in
   * all. One buffer, zeroed again and reused once the consumer pulls the next chunk (as FileSource
   * chunks are): a new 64 KiB array per chunk was garbage the collector had to chase.
   */
  *metadataChunks(): Iterable<Uint8Array> {
    const assignment = this.assigned();
    let chunk = new Uint8Array(chunkSectors * blockBytes);
    let used = fileSetSectors;
    this.writeFileSet(chunk);
    let block = fileSetSectors;
    for (const item of this.items) {
      if (item.feBlock !== block) throw new CmTsError('E_UNEXPECTED', `UDF metadata at block ${block}, planned ${item.feBlock}`);
      const sectors = item.kind === 'dir' ? 1 + sectorsFor(item.dataBytes) : 1;
      if (used + sectors > chunkSectors) {
        yield chunk.subarray(0, used * blockBytes);
        if (sectors * blockBytes > chunk.length) chunk = new Uint8Array(sectors * blockBytes);
        else chunk.fill(0, 0, used * blockBytes);
        used = 0;
      }
      const at = used * blockBytes;
      if (item.kind === 'dir') this.writeDirectory(item, chunk, at);
      else this.writeFile(item, chunk, at, assignment);
      used += sectors;
      block += sectors;
    }
    if (block !== this.metadataSectors) throw new CmTsError('E_UNEXPECTED', `UDF metadata ended at block ${block}, planned ${this.metadataSectors}`);
    if (used > 0) yield chunk.subarray(0, used * blockBytes);
  }

  private assigned(): UdfAssignment {
    if (!this.assignment) throw new CmTsError('E_UNEXPECTED', 'UdfPlan used before assign()');
    return this.assignment;
  }

  /** UDF 1.02 2.3.2: the File Set Descriptor and the TD that ends its sequence, blocks 0 and 1. */
  private writeFileSet(target: Uint8Array): void {
    const { volumeIdentifier, timestamp } = this.options;
    fileSetDescriptor.encode({
      descriptorTag: tag(tagIdentifier.fileSetDescriptor, 0),
      recordingDateAndTime: timestamp,
      interchangeLevel: 3,
      maximumInterchangeLevel: 3,
      characterSetList: 1,
      maximumCharacterSetList: 1,
      fileSetNumber: 0,
      fileSetDescriptorNumber: 0,
      logicalVolumeIdentifierCharacterSet: ostaCompressedUnicode,
      logicalVolumeIdentifier: volumeIdentifier,
      fileSetCharacterSet: ostaCompressedUnicode,
      fileSetIdentifier: volumeIdentifier,
      copyrightFileIdentifier: '',
      abstractFileIdentifier: '',
      rootDirectoryIcb: icbAddress(this.root.feBlock, 0),
      domainIdentifier,
      nextExtent: noExtent,
    }, target, 0);
    sealTag(target, 0, fileSetDescriptor.sizeBytes);
    terminatingDescriptor.encode({ descriptorTag: tag(tagIdentifier.terminatingDescriptor, 1) }, target, blockBytes);
    sealTag(target, blockBytes, terminatingDescriptor.sizeBytes);
  }

  /** The directory's File Entry, then its FIDs: the parent first (ECMA-167 4/8.6), then the children in tree order. */
  private writeDirectory(dir: DirPlan, target: Uint8Array, offset: number): void {
    const dataBlock = dir.feBlock + 1;
    this.writeFileEntry(target, offset, dir.feBlock, dir.node, {
      fileType: fileType.directory,
      fileLinkCount: 1 + dir.subdirectories,
      uniqueId: dir.uniqueId,
      informationLength: dir.dataBytes,
      extents: [[dir.dataBytes, dataBlock]],
    });
    const dataOffset = offset + blockBytes;
    const parent = dir.parent ?? dir;
    let position = writeFid(target, dataOffset, 0, dataBlock, fileCharacteristics.directory | fileCharacteristics.parent, new Uint8Array(0), parent);
    dir.children.forEach((child, i) => {
      const characteristics = child.kind === 'dir' ? fileCharacteristics.directory : 0;
      position = writeFid(target, dataOffset, position, dataBlock, characteristics, dir.identifiers[i]!, child);
    });
    if (position !== dir.dataBytes) throw new CmTsError('E_UNEXPECTED', `UDF directory data ${position} bytes, planned ${dir.dataBytes}`);
  }

  private writeFile(file: FilePlan, target: Uint8Array, offset: number, assignment: UdfAssignment): void {
    const sizeBytes = file.node.source.sizeBytes;
    const extents: Array<[number, number]> = [];
    if (sizeBytes > 0) {
      const firstBlock = assignment.fileLba(file.node) - assignment.partitionStartLba;
      for (let done = 0; done < sizeBytes; done += maxExtentBytes) {
        extents.push([Math.min(maxExtentBytes, sizeBytes - done), firstBlock + done / blockBytes]);
      }
    }
    this.writeFileEntry(target, offset, file.feBlock, file.node, { fileType: fileType.file, fileLinkCount: 1, uniqueId: file.uniqueId, informationLength: sizeBytes, extents });
  }

  /** ECMA-167 4/14.9 with short_ad allocation descriptors (UDF 1.02 2.3.6), no extended attributes. */
  private writeFileEntry(
    target: Uint8Array,
    offset: number,
    block: number,
    node: TreeNode,
    entry: { fileType: number; fileLinkCount: number; uniqueId: number; informationLength: number; extents: Array<[lengthBytes: number, block: number]> },
  ): void {
    const time = node.modified ?? this.options.timestamp;
    const adBytes = entry.extents.length * shortAd.sizeBytes;
    fileEntry.encode({
      descriptorTag: tag(tagIdentifier.fileEntry, block),
      icbTag: {
        priorRecordedNumberOfDirectEntries: 0,
        strategyType: icbStrategy,
        strategyParameter: 0,
        maximumNumberOfEntries: 1,
        fileType: entry.fileType,
        parentIcbLocation: { logicalBlockNumber: 0, partitionReferenceNumber: 0 },
        flags: 0, // bits 0-2 = 0: short_ad
      },
      uid: noOwner,
      gid: noOwner,
      permissions: entry.fileType === fileType.directory ? permissions.directory : permissions.file,
      fileLinkCount: entry.fileLinkCount,
      recordFormat: 0,
      recordDisplayAttributes: 0,
      recordLength: 0,
      informationLength: entry.informationLength,
      logicalBlocksRecorded: sectorsFor(entry.informationLength),
      accessTime: time,
      modificationTime: time,
      attributeTime: time,
      checkpoint: 1,
      extendedAttributeIcb: noExtent,
      implementationIdentifier,
      uniqueId: entry.uniqueId,
      lengthOfExtendedAttributes: 0,
      lengthOfAllocationDescriptors: adBytes,
    }, target, offset);
    entry.extents.forEach(([extentLength, extentPosition], i) => {
      shortAd.encode({ extentLength, extentPosition }, target, offset + fileEntry.sizeBytes + i * shortAd.sizeBytes);
    });
    sealTag(target, offset, fileEntry.sizeBytes + adBytes);
  }
}

/** ECMA-167 4/14.4 one FID at `position` in the directory data; returns the position after it. */
function writeFid(
  target: Uint8Array,
  dataOffset: number,
  position: number,
  dataBlock: number,
  characteristics: number,
  identifier: Uint8Array,
  icb: { feBlock: number; uniqueId: number },
): number {
  const at = dataOffset + position;
  const fidBytes = fileIdentifierDescriptorBytes(identifier.length);
  fileIdentifierDescriptor.encode({
    // ECMA-167 4/7.2.7: the block in which the descriptor begins (FIDs may cross block boundaries).
    descriptorTag: tag(tagIdentifier.fileIdentifierDescriptor, dataBlock + Math.floor(position / blockBytes)),
    fileVersionNumber: 1,
    fileCharacteristics: characteristics,
    lengthOfFileIdentifier: identifier.length,
    icb: icbAddress(icb.feBlock, icb.uniqueId),
    lengthOfImplementationUse: 0,
  }, target, at);
  target.set(identifier, at + fileIdentifierDescriptor.sizeBytes);
  sealTag(target, at, fidBytes);
  return position + fidBytes;
}

const noExtent: TableValues<typeof longAd.fields> = { extentLength: 0, extentLocation: { logicalBlockNumber: 0, partitionReferenceNumber: 0 }, adImpUseFlags: 0, udfUniqueId: 0 };

/** ECMA-167 4/14.4.4 file identifier: CS0 d-characters, at most 255 bytes; no "/" or NUL, which no reader can use in a name. */
function fileIdentifier(node: TreeNode, path: string): Uint8Array {
  if (node.name.length === 0 || /[\u0000/]/.test(node.name)) throw new CmTsError('E_INVALIDARG', `media path ${path}${node.name} has a name UDF cannot record`);
  const bytes = cs0(node.name);
  if (bytes.length > maxIdentifierBytes) {
    throw new CmTsError('E_INVALIDARG', `media path ${path}${node.name}: the name needs ${bytes.length} bytes in UDF, at most ${maxIdentifierBytes} are allowed (254 Latin-1 or 127 other characters)`);
  }
  return bytes;
}

function allocationDescriptorCount(sizeBytes: number): number {
  return Math.ceil(sizeBytes / maxExtentBytes);
}

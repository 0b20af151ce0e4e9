/**
 * El Torito Bootable CD-ROM Format Specification 1.0 (Phoenix/IBM, 1995-01-25): the boot record
 * volume descriptor and the boot catalog. Counts are 512-byte virtual sectors, RBAs 2048-byte sectors.
 */
import { CmTsError } from '../../errors/index.js';
import { asciiz, bytes, fixed, reserved, table, u16le, u32le, u8 } from '../binary/index.js';
import { sectorBytes, volumeDescriptorType } from '../iso9660/structures.js';

/** El Torito 2.0: SeaBIOS reads the boot record only here (measured: no boot anywhere else). */
export const bootRecordLba = 17;

export const platformId = { x86: 0x00, efi: 0xef } as const;
const bootable = 0x88;
const noEmulation = 0;
const sectionHeaderFinal = 0x91;

/** El Torito 2.0 boot record volume descriptor. */
export const bootRecordVolumeDescriptor = table('bootRecordVolumeDescriptor', sectorBytes, {
  bootRecordIndicator: [0, fixed(u8, volumeDescriptorType.boot)],
  isoIdentifier: [1, fixed(bytes(5), new TextEncoder().encode('CD001'))],
  descriptorVersion: [6, fixed(u8, 1)],
  bootSystemIdentifier: [7, fixed(asciiz(32), 'EL TORITO SPECIFICATION')],
  bootIdentifier: [39, reserved(32)],
  bootCatalogLba: [71, u32le],
  unused: [75, reserved(1973)],
});

/** El Torito 2.1 validation entry. */
export const validationEntry = table('validationEntry', 32, {
  headerId: [0, fixed(u8, 1)],
  platformId: [1, u8],
  reserved: [2, reserved(2)],
  idString: [4, asciiz(24)],
  checksum: [28, u16le],
  key: [30, fixed(bytes(2), new Uint8Array([0x55, 0xaa]))],
});

/** El Torito 2.2 initial/default entry. */
export const initialEntry = table('initialEntry', 32, {
  bootIndicator: [0, u8],
  bootMediaType: [1, u8],
  loadSegment: [2, u16le],
  systemType: [4, u8],
  unused1: [5, reserved(1)],
  sectorCount: [6, u16le],
  loadRba: [8, u32le],
  unused2: [12, reserved(20)],
});

/** El Torito 2.3 section header. */
export const sectionHeader = table('sectionHeader', 32, {
  headerIndicator: [0, u8],
  platformId: [1, u8],
  sectionEntries: [2, u16le],
  idString: [4, asciiz(28)],
});

/** El Torito 2.4 section entry. */
export const sectionEntry = table('sectionEntry', 32, {
  bootIndicator: [0, u8],
  bootMediaType: [1, u8],
  loadSegment: [2, u16le],
  systemType: [4, u8],
  unused: [5, reserved(1)],
  sectorCount: [6, u16le],
  loadRba: [8, u32le],
  selectionCriteriaType: [12, u8],
  vendorUniqueSelectionCriteria: [13, reserved(19)],
});

export interface BootImage {
  platform: number;
  loadRba: number;
  /** 512-byte virtual sectors to load (BIOS) or the size of the EFI system partition image. */
  sectorCount: number;
}

/**
 * UEFI 2.11 13.3.2.1: the EFI entry's count is the image size in 512-byte sectors; 0 or 1 mean
 * "to the end of the CD" (EDK2 ElTorito.c). A count below the size stops OVMF ("Not Found"), and
 * the field is 16 bits: larger images get 0 (go-diskfs#359).
 */
export function efiSectorCount(imageBytes: number): number {
  const count = Math.ceil(imageBytes / 512);
  return count <= 0xffff ? count : 0;
}

/**
 * The boot catalog sector: the first image is the default entry, the rest go in one final
 * section per platform change (oscdimg -bootdata:2#p0,e,b…#pEF,e,b… gives validation 0x00,
 * default = BIOS, section 0x91/0xEF with the efisys.bin entry). All entries no-emulation, bootable.
 */
export function bootCatalog(images: readonly BootImage[]): Uint8Array {
  const [first, ...rest] = images;
  if (!first || rest.some((r) => r.platform !== rest[0]!.platform)) throw new CmTsError('E_UNEXPECTED', 'boot catalog: one default entry and one further platform are supported');
  const out = new Uint8Array(sectorBytes);
  validationEntry.encode({ platformId: first.platform, idString: '', checksum: 0 }, out, 0);
  // El Torito 2.1: the 16-bit little-endian words of the validation entry sum to zero
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + out[i]! + (out[i + 1]! << 8)) & 0xffff;
  validationEntry.encode({ platformId: first.platform, idString: '', checksum: (0x10000 - sum) & 0xffff }, out, 0);
  const entry = { bootIndicator: bootable, bootMediaType: noEmulation, loadSegment: 0, systemType: 0 };
  initialEntry.encode({ ...entry, sectorCount: first.sectorCount, loadRba: first.loadRba }, out, 32);
  if (rest.length > 0) {
    sectionHeader.encode({ headerIndicator: sectionHeaderFinal, platformId: rest[0]!.platform, sectionEntries: rest.length, idString: '' }, out, 64);
    rest.forEach((image, i) => {
      sectionEntry.encode({ ...entry, sectorCount: image.sectorCount, loadRba: image.loadRba, selectionCriteriaType: 0 }, out, 96 + 32 * i);
    });
  }
  return out;
}

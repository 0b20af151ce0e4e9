/** The media architecture from the boot image, and the UEFI removable-media loader name (UEFI 2.10 §3.5.1.1). */
import { CmTsError } from '../../errors/index.js';
import type { WimImageInfo } from './xml.js';

export type MediaArchitecture = 'x86' | 'x64' | 'arm64';

/**
 * The architecture the media is built for: the catalog's `declared` one, which must agree with the
 * WIM's <ARCH> when the WIM says (else CMTSMEDIA_E_ARCHMISMATCH); a WIM without <ARCH> is accepted.
 */
export function checkArchitecture(wim: WimImageInfo, declared: MediaArchitecture, path: string): MediaArchitecture {
  if (wim.architecture !== undefined && wim.architecture !== declared) {
    throw new CmTsError('CMTSMEDIA_E_ARCHMISMATCH', `${path} image ${wim.index} is ${wim.architecture}, the site catalog says ${declared}`, {
      path, imageIndex: wim.index, wimArchitecture: wim.architecture, declaredArchitecture: declared,
    });
  }
  return declared;
}

const efiNames: Record<MediaArchitecture, string> = { x64: 'bootx64.efi', x86: 'bootia32.efi', arm64: 'bootaa64.efi' };

/** \EFI\BOOT\<name>: the file UEFI firmware boots from removable media. */
export function efiBootFileName(arch: MediaArchitecture): string {
  const name = efiNames[arch];
  if (!name) throw new CmTsError('E_INVALIDARG', `architecture ${String(arch)}`);
  return name;
}

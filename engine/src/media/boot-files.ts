/**
 * Which boot files of a Windows PE boot image go where on the media (docs/media.md, "Boot files").
 * Real boot images keep the El Torito UEFI image only in language folders
 * (\Windows\Boot\DVD\EFI\en-US\efisys.bin), the "Windows UEFI CA 2023" set under *_EX folders, and
 * arm64 images boot UEFI only. Each firmware's group of files is needed whole; a firmware whose
 * group is incomplete is left out and named, never dropped silently.
 */
import { CmTsError } from '../errors/index.js';
import type { FileSource } from '../formats/tree.js';
import { efiBootFileName, type MediaArchitecture, type WimImage } from '../formats/wim/index.js';

export interface BootFileOptions {
  /** UEFI boots without "Press any key to boot from CD or DVD" (efisys_noprompt.bin). */
  readonly noPrompt: boolean;
  /** The boot files signed by the Windows UEFI CA 2023 (*_EX), as MakeWinPEMedia /bootex. */
  readonly bootEx: boolean;
}

export type Firmware = 'BIOS' | 'UEFI';

/** The boot files for the media, and which firmware the media will (not) boot. */
export interface BootFiles {
  /** [media path, source] in media order. */
  readonly files: ReadonlyArray<readonly [string, FileSource]>;
  /** Media paths of the El Torito images: etfsboot.com (BIOS) and the efisys image (UEFI). */
  readonly biosBootPath?: string;
  readonly uefiBootPath?: string;
  /** Firmware the media will not boot, each with the boot image files that are missing for it. */
  readonly missing: ReadonlyArray<{ readonly firmware: Firmware; readonly files: readonly string[] }>;
}

const boot = '\\Windows\\Boot';
const enUs = 'en-US';

/** The name of the El Torito UEFI image the options ask for. */
export function efisysName(options: BootFileOptions): string {
  return `efisys${options.noPrompt ? '_noprompt' : ''}${options.bootEx ? '_EX' : ''}.bin`;
}

/** \Windows\Boot\DVD[_EX]\EFI\<lang>\<efisys>: en-US first, then the other language folders in name order. */
function findEfisys(image: WimImage, options: BootFileOptions): { found?: string; wanted: string } {
  const folder = `${boot}\\${options.bootEx ? 'DVD_EX' : 'DVD'}\\EFI`;
  const name = efisysName(options);
  const wanted = `${folder}\\${enUs}\\${name}`;
  if (!image.lookup(folder)?.isDirectory) return { wanted };
  const languages = image.list(folder).filter((e) => e.isDirectory).map((e) => e.path);
  const ordered = [
    ...languages.filter((p) => p.toLowerCase().endsWith(`\\${enUs.toLowerCase()}`)),
    ...languages.filter((p) => !p.toLowerCase().endsWith(`\\${enUs.toLowerCase()}`)).sort(),
  ];
  const found = ordered.map((lang) => `${lang}\\${name}`).find((path) => image.lookup(path)?.isDirectory === false);
  return found ? { found, wanted } : { wanted };
}

interface Group {
  readonly firmware: Firmware;
  /** [media path, WIM path or undefined when not found, the path to name when missing]. */
  readonly required: ReadonlyArray<readonly [string, string | undefined, string]>;
}

const firstPresent = (image: WimImage, ...paths: string[]): string | undefined => paths.find((p) => image.lookup(p)?.isDirectory === false);

function exactly(image: WimImage, mediaPath: string, wimPath: string): readonly [string, string | undefined, string] {
  return [mediaPath, firstPresent(image, wimPath), wimPath];
}

/** The firmware groups of the architecture: BIOS (x86 and x64 only) and UEFI. */
function groups(image: WimImage, arch: MediaArchitecture, options: BootFileOptions): Group[] {
  const ex = options.bootEx;
  const efisys = findEfisys(image, options);
  const bootSdi = firstPresent(image, `${boot}\\DVD\\PCAT\\boot.sdi`, `${boot}\\DVD\\EFI\\boot.sdi`);
  const sdi = ['boot\\boot.sdi', bootSdi, `${boot}\\DVD\\PCAT\\boot.sdi`] as const;
  const uefi: Group = {
    firmware: 'UEFI',
    required: [
      exactly(image, `efi\\boot\\${efiBootFileName(arch)}`, ex ? `${boot}\\EFI_EX\\bootmgfw_EX.efi` : `${boot}\\EFI\\bootmgfw.efi`),
      exactly(image, 'efi\\microsoft\\boot\\BCD', `${boot}\\DVD\\EFI\\BCD`),
      [`efi\\microsoft\\boot\\${efisysName(options)}`, efisys.found, efisys.wanted],
      sdi,
    ],
  };
  if (arch === 'arm64') return [uefi]; // no BIOS on arm64: the media get no BIOS El Torito entry
  const bios: Group = {
    firmware: 'BIOS',
    required: [
      exactly(image, 'bootmgr', `${boot}\\PCAT\\bootmgr`),
      exactly(image, 'boot\\BCD', `${boot}\\DVD\\PCAT\\BCD`),
      exactly(image, 'boot\\etfsboot.com', `${boot}\\DVD\\PCAT\\etfsboot.com`),
      sdi,
    ],
  };
  return [bios, uefi];
}

/** UEFI files used when the image has them: the boot manager, the revocation list, the memory test. */
function optionalUefiFiles(image: WimImage, options: BootFileOptions): Array<[string, string]> {
  const pick = (plain: string, exName: string): string | undefined =>
    options.bootEx ? firstPresent(image, `${boot}\\EFI_EX\\${exName}`) : firstPresent(image, `${boot}\\EFI\\${plain}`);
  const out: Array<[string, string]> = [];
  const bootmgr = pick('bootmgr.efi', 'bootmgr_EX.efi');
  if (bootmgr) out.push(['bootmgr.efi', bootmgr]);
  // bootmgfw.efi of Windows 11 24H2+ fails with 0xc000000f under Secure Boot without it (docs/media.md).
  const stl = firstPresent(image, `${boot}\\EFI\\boot.stl`);
  if (stl) out.push(['efi\\microsoft\\boot\\boot.stl', stl]);
  const memtest = pick('memtest.efi', 'memtest_EX.efi');
  if (memtest) out.push(['efi\\microsoft\\boot\\memtest.efi', memtest]);
  return out;
}

/** Fonts: \Windows\Boot\Fonts for BIOS; for UEFI the same, or FONTS_EX with "_EX" dropped from each name. */
function fontFiles(image: WimImage, folder: string, mediaFolder: string, dropEx: boolean): Array<[string, string]> {
  if (!image.lookup(folder)?.isDirectory) return [];
  return image.list(folder).filter((e) => !e.isDirectory).map((font) => {
    const name = font.path.slice(font.path.lastIndexOf('\\') + 1);
    return [`${mediaFolder}\\${dropEx ? name.replace(/_EX(\.[^.]*)$/i, '$1') : name}`, font.path];
  });
}

/**
 * The boot files of the media. -BootEx or -NoPrompt on an image without those files, or an image
 * that boots neither firmware, is CMTSMEDIA_E_NOBOOTFILES; a firmware that is missing otherwise
 * comes back in `missing` for the caller to report.
 */
export function selectBootFiles(image: WimImage, arch: MediaArchitecture, options: BootFileOptions): BootFiles {
  const all = groups(image, arch, options);
  const complete = all.filter((g) => g.required.every(([, found]) => found !== undefined));
  const missing = all.filter((g) => !complete.includes(g)).map((g) => ({
    firmware: g.firmware,
    files: g.required.filter(([, found]) => found === undefined).map(([, , wanted]) => wanted),
  }));
  const hasBios = complete.some((g) => g.firmware === 'BIOS');
  const hasUefi = complete.some((g) => g.firmware === 'UEFI');
  const uefiAsked = options.bootEx || options.noPrompt;
  if (!hasBios && !hasUefi || (uefiAsked && !hasUefi)) {
    const named = uefiAsked ? missing.filter((m) => m.firmware === 'UEFI') : missing;
    const flags = [options.bootEx ? '-BootEx' : '', options.noPrompt ? '-NoPrompt' : ''].filter(Boolean).join(' and ');
    const what = named.map((m) => `${m.firmware}${uefiAsked ? ` with ${flags}` : ''} (${m.files.join(', ')})`).join(' or ');
    throw new CmTsError('CMTSMEDIA_E_NOBOOTFILES', what, { missing });
  }
  const entries = new Map<string, string>();
  for (const group of complete) for (const [mediaPath, found] of group.required) entries.set(mediaPath, found!);
  if (hasUefi) for (const [mediaPath, wimPath] of optionalUefiFiles(image, options)) entries.set(mediaPath, wimPath);
  if (hasBios) for (const [mediaPath, wimPath] of fontFiles(image, `${boot}\\Fonts`, 'boot\\fonts', false)) entries.set(mediaPath, wimPath);
  if (hasUefi) {
    const fonts = options.bootEx && image.lookup(`${boot}\\FONTS_EX`)?.isDirectory
      ? fontFiles(image, `${boot}\\FONTS_EX`, 'efi\\microsoft\\boot\\fonts', true)
      : fontFiles(image, `${boot}\\Fonts`, 'efi\\microsoft\\boot\\fonts', false);
    for (const [mediaPath, wimPath] of fonts) entries.set(mediaPath, wimPath);
  }
  return {
    files: [...entries].map(([mediaPath, wimPath]) => [mediaPath, image.source(wimPath)] as const),
    ...(hasBios ? { biosBootPath: 'boot\\etfsboot.com' } : {}),
    ...(hasUefi ? { uefiBootPath: `efi\\microsoft\\boot\\${efisysName(options)}` } : {}),
    missing,
  };
}

import { CmTsError } from '../errors/index.js';
import { bufferSource, treeFromPaths } from '../formats/sources.js';
import type { FileSource, TreeDir, TreeFile } from '../formats/tree.js';
import { efiBootFileName, type WimImage } from '../formats/wim/index.js';

/** The generated files of SPEC §5.1. */
export interface GeneratedFiles {
  variablesDat: Uint8Array;
  tsmBootstrapIni: Uint8Array;
  mediaLabelTxt: Uint8Array;
}

export interface BootMediaTree {
  root: TreeDir;
  /** El Torito entries: etfsboot.com (BIOS) and efisys.bin (UEFI); an arm64 image has no BIOS entry. */
  biosBoot?: TreeFile;
  uefiBoot?: TreeFile;
}

type Arch = 'x86' | 'x64' | 'arm64';

/**
 * Where each boot file of the media comes from inside the boot image (SPEC §5.1). Files of a
 * firmware group are needed together: the BIOS group when the image has etfsboot.com, the UEFI
 * group when it has efisys.bin; at least one group must be there.
 */
function bootFileMap(arch: Arch) {
  return {
    bios: [
      ['bootmgr', '\\Windows\\Boot\\PCAT\\bootmgr'],
      ['boot\\BCD', '\\Windows\\Boot\\DVD\\PCAT\\BCD'],
      ['boot\\etfsboot.com', '\\Windows\\Boot\\DVD\\PCAT\\etfsboot.com'],
    ],
    uefi: [
      [`efi\\boot\\${efiBootFileName(arch)}`, '\\Windows\\Boot\\EFI\\bootmgfw.efi'],
      ['efi\\microsoft\\boot\\BCD', '\\Windows\\Boot\\DVD\\EFI\\BCD'],
      ['efi\\microsoft\\boot\\efisys.bin', '\\Windows\\Boot\\DVD\\EFI\\efisys.bin'],
    ],
    optional: [['bootmgr.efi', '\\Windows\\Boot\\EFI\\bootmgr.efi']],
    bootSdi: ['\\Windows\\Boot\\DVD\\PCAT\\boot.sdi', '\\Windows\\Boot\\DVD\\EFI\\boot.sdi'],
    fonts: '\\Windows\\Boot\\Fonts',
  } as const;
}

/** Lays out the media tree: boot files streamed from the WIM, the WIM itself, the generated files. */
export function planBootMediaTree(image: WimImage, wim: FileSource, arch: Arch, generated: GeneratedFiles): BootMediaTree {
  const map = bootFileMap(arch);
  const entries: Array<[string, FileSource]> = [];
  const hasBios = image.lookup(map.bios[2][1]) !== undefined;
  const hasUefi = image.lookup(map.uefi[2][1]) !== undefined;
  if (!hasBios && !hasUefi) throw new CmTsError('CMTSMEDIA_E_WIMNOFILE', `${map.bios[2][1]} or ${map.uefi[2][1]}`);
  for (const [mediaPath, wimPath] of [...(hasBios ? map.bios : []), ...(hasUefi ? map.uefi : [])]) entries.push([mediaPath, image.source(wimPath)]);
  for (const [mediaPath, wimPath] of map.optional) if (image.lookup(wimPath)) entries.push([mediaPath, image.source(wimPath)]);
  const bootSdi = map.bootSdi.find((path) => image.lookup(path));
  if (!bootSdi) throw new CmTsError('CMTSMEDIA_E_WIMNOFILE', map.bootSdi[0]);
  entries.push(['boot\\boot.sdi', image.source(bootSdi)]);
  if (image.lookup(map.fonts)?.isDirectory) {
    for (const font of image.list(map.fonts).filter((e) => !e.isDirectory)) {
      const name = font.path.slice(font.path.lastIndexOf('\\') + 1);
      entries.push([`boot\\fonts\\${name}`, image.source(font.path)], [`efi\\microsoft\\boot\\fonts\\${name}`, image.source(font.path)]);
    }
  }
  entries.push(
    ['sources\\boot.wim', wim],
    ['SMS\\data\\Variables.dat', bufferSource(generated.variablesDat, 'Variables.dat')],
    ['SMS\\data\\TsmBootstrap.ini', bufferSource(generated.tsmBootstrapIni, 'TsmBootstrap.ini')],
    ['MediaLabel.txt', bufferSource(generated.mediaLabelTxt, 'MediaLabel.txt')],
  );
  const root = treeFromPaths(entries);
  return {
    root,
    ...(hasBios ? { biosBoot: findFile(root, 'boot\\etfsboot.com') } : {}),
    ...(hasUefi ? { uefiBoot: findFile(root, 'efi\\microsoft\\boot\\efisys.bin') } : {}),
  };
}

function findFile(root: TreeDir, path: string): TreeFile {
  let node: TreeDir | TreeFile = root;
  for (const part of path.split('\\')) {
    if (node.kind !== 'dir') break;
    const next: TreeDir | TreeFile | undefined = node.children.find((c) => c.name === part);
    if (!next) break;
    node = next;
  }
  if (node.kind !== 'file') throw new CmTsError('E_UNEXPECTED', `media tree lacks ${path}`);
  return node;
}

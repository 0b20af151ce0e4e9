import { CmTsError } from '../errors/index.js';
import { bufferSource, treeFromPaths } from '../formats/sources.js';
import type { FileSource, TreeDir, TreeFile } from '../formats/tree.js';
import type { MediaArchitecture, WimImage } from '../formats/wim/index.js';
import { type BootFileOptions, type BootFiles, selectBootFiles } from './boot-files.js';

/** The files CmTsMedia generates for every medium (docs/media.md). */
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
  /** Firmware the media will not boot, with the boot image files missing for it. */
  missingFirmware: BootFiles['missing'];
}

export interface BootTreeInput {
  readonly image: WimImage;
  /** The boot image file itself: sources\boot.wim. */
  readonly wim: FileSource;
  readonly arch: MediaArchitecture;
  readonly options: BootFileOptions;
  readonly generated: GeneratedFiles;
  /** Files of -PrestartFolder: [path relative to the media's prestart folder, source]. */
  readonly prestartFiles?: ReadonlyArray<readonly [string, FileSource]>;
}

/** Where -PrestartFolder's files go on the media (docs/media.md, "Prestart command"). */
export const prestartMediaFolder = 'SMS\\PKG\\PRESTART';

/** Lays out the media tree (docs/media.md): boot files streamed from the WIM, the WIM itself, the generated files. */
export function planBootMediaTree(input: BootTreeInput): BootMediaTree {
  const boot = selectBootFiles(input.image, input.arch, input.options);
  const { generated } = input;
  const entries: Array<readonly [string, FileSource]> = [
    ...boot.files,
    ['sources\\boot.wim', input.wim],
    ['SMS\\data\\Variables.dat', bufferSource(generated.variablesDat, 'Variables.dat')],
    ['SMS\\data\\TsmBootstrap.ini', bufferSource(generated.tsmBootstrapIni, 'TsmBootstrap.ini')],
    ['MediaLabel.txt', bufferSource(generated.mediaLabelTxt, 'MediaLabel.txt')],
    ...(input.prestartFiles ?? []).map(([path, source]) => [`${prestartMediaFolder}\\${path}`, source] as const),
  ];
  const root = treeFromPaths(entries);
  return {
    root,
    ...(boot.biosBootPath ? { biosBoot: findFile(root, boot.biosBootPath) } : {}),
    ...(boot.uefiBootPath ? { uefiBoot: findFile(root, boot.uefiBootPath) } : {}),
    missingFirmware: boot.missing,
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

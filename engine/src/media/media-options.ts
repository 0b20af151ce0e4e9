/**
 * The console media wizard's options as createBootMedia takes them (docs/media.md, "Options"):
 * their checks, and the generated files (Variables.dat, TsmBootstrap.ini, MediaLabel.txt) they shape.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CmTsError } from '../errors/index.js';
import {
  buildMediaVariables, defaultMediaLabel, encodeMediaLabel, encodeTsmBootstrapIni, encodeVariablesDat, type LaunchMode,
} from '../formats/mediavars/index.js';
import { diskFileSource } from '../formats/sources.js';
import type { FileSource } from '../formats/tree.js';
import type { ResolvedBootMedia, SiteChoices } from '../site/index.js';
import type { GeneratedFiles } from './boot-tree.js';

export interface MediaOptions {
  readonly mediaType: LaunchMode;
  readonly mediaPassword?: string | undefined;
  readonly mediaLabel?: string | undefined;
  readonly variables?: Record<string, string> | undefined;
  readonly mediaMode?: 'Static' | 'Dynamic' | undefined;
  readonly managementPoints?: string[] | undefined;
  readonly distributionPoint?: string | undefined;
  readonly allowUnknownMachine?: boolean | undefined;
  readonly allowUnattended?: boolean | undefined;
  readonly prestartCommand?: string | undefined;
  readonly prestartFolder?: string | undefined;
}

/** The media label: ConfigMgr's default when not given; empty or white space is E_INVALIDARG, not a silent default. */
export function checkMediaLabel(label: string | undefined): string {
  if (label === undefined) return defaultMediaLabel;
  if (label.trim() === '') throw new CmTsError('E_INVALIDARG', 'MediaLabel is empty; leave it out for the default "Configuration Manager"');
  return label;
}

/** Combinations that would be ignored are errors (docs/media.md, "Options"). */
export function checkOptions(options: MediaOptions): void {
  if (options.prestartFolder !== undefined && !options.prestartCommand) {
    throw new CmTsError('E_INVALIDARG', 'PrestartFolder needs PrestartCommand: the files are there for the command to use');
  }
  if (options.prestartCommand !== undefined && options.prestartCommand.trim() === '') throw new CmTsError('E_INVALIDARG', 'PrestartCommand is empty');
}

export function siteChoices(options: MediaOptions): SiteChoices {
  return {
    ...(options.mediaMode ? { mediaMode: options.mediaMode } : {}),
    ...(options.managementPoints ? { managementPoints: options.managementPoints } : {}),
    ...(options.distributionPoint ? { distributionPoint: options.distributionPoint } : {}),
  };
}

/** -AllowUnknownMachine needs the catalog's unknown-computer GUIDs (schema version 2). */
function unknownMachines(site: ResolvedBootMedia, catalogPath: string): NonNullable<ResolvedBootMedia['unknownMachines']> {
  const guids = site.unknownMachines;
  if (!guids || (!guids.x64 && !guids.x86 && !guids.arm64)) {
    throw new CmTsError('E_INVALIDARG', `AllowUnknownMachine needs $.unknownMachines (site catalog schema version 2) in ${catalogPath}; New-CMBootMediaSiteCatalog reads it from the site`);
  }
  return guids;
}

/** Variables.dat, TsmBootstrap.ini and MediaLabel.txt of one medium. */
export function generateFiles(
  options: MediaOptions,
  site: ResolvedBootMedia,
  media: { mediaGuid: string; pfx: Uint8Array; label: string; catalogPath: string },
): GeneratedFiles {
  const variables = buildMediaVariables({
    mediaGuid: media.mediaGuid,
    mediaPfx: media.pfx,
    mediaMode: options.mediaMode ?? 'Static',
    managementPointUrls: site.mediaManagementPoints.map((mp) => mp.url),
    iisSslState: site.mediaManagementPoints[0]!.sslState,
    siteCode: site.siteCode,
    bootImagePackageId: site.bootImage.packageId,
    launchMode: options.mediaType,
    httpPort: site.httpPort,
    httpsPort: site.httpsPort,
    caCertificates: site.caCertificates,
    siteSigningCertificate: site.siteSigningCertificate,
    ...(site.trustedRootKey ? { publicRootKey: site.trustedRootKey } : {}),
    ...(options.allowUnknownMachine ? { unknownMachines: unknownMachines(site, media.catalogPath) } : {}),
    ...(options.prestartCommand ? { prestartCommand: options.prestartCommand } : {}),
    userVariables: options.variables ?? {},
  });
  const password = options.mediaPassword || undefined;
  return {
    variablesDat: encodeVariablesDat(variables, password),
    // -AllowUnattended with a password: still PasswordRequired, as ConfigMgr asks for it (docs/media.md).
    tsmBootstrapIni: encodeTsmBootstrapIni({ passwordRequired: password !== undefined, unattended: options.allowUnattended === true }),
    mediaLabelTxt: encodeMediaLabel(media.label),
  };
}

/** Every file under -PrestartFolder, as [relative path with `\`, source]; a missing or empty folder is an error. */
export async function listPrestartFolder(folder: string): Promise<Array<[string, FileSource]>> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new CmTsError('E_PATHNOTFOUND', folder);
  const files: Array<[string, FileSource]> = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile()) files.push([relative(folder, path).split(/[\\/]/).join('\\'), await diskFileSource(path)]);
      else throw new CmTsError('E_INVALIDARG', `PrestartFolder holds ${path}, which is neither a file nor a folder`);
    }
  };
  await visit(folder);
  if (files.length === 0) throw new CmTsError('E_INVALIDARG', `PrestartFolder ${folder} holds no files`);
  return files;
}

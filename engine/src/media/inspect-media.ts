/**
 * inspectMedia (Test-CMBootMedia; docs/readback.md): reads boot media back and says
 * what they hold and what is wrong with them. Problems make IsValid false; notes only inform.
 */
import { resolve } from 'node:path';
import { importPfx } from '../certs/index.js';
import { isCmTsError } from '../errors/index.js';
import { decodeManifest, manifestPath, type MediaManifest } from '../formats/manifest/index.js';
import { mediaPfxPassword, tsmBootstrapNames } from '../formats/mediavars/index.js';
import { parseMediaLabel, parseTsmBootstrapIni, readMediaVariables, type TsmBootstrapFacts } from '../formats/mediavars/readback.js';
import type { ReadFile } from '../formats/readback/volume.js';
import type { JobContext } from '../system/job.js';
import { loadSiteCatalog } from '../site/index.js';
import type { BootMediaInfo } from './media-info.js';
import { checkStaleness } from './media-staleness.js';

export type { BootMediaInfo } from './media-info.js';
import { openMedia, type OpenedMedia } from './open-media.js';

export interface InspectMediaParams {
  path: string;
  mediaPassword?: string | undefined;
  siteCatalog?: string | undefined;
  /** Seconds before the certificate's NotAfter from which it counts as due for renewal; default 30 days. */
  certificateRenewalSeconds?: number | undefined;
}


const variablesPath = 'SMS\\data\\Variables.dat';
const bootstrapPath = 'SMS\\data\\TsmBootstrap.ini';
const defaultRenewalSeconds = 30 * 24 * 3600;

export async function inspectMedia(params: InspectMediaParams, context: JobContext, now = new Date()): Promise<BootMediaInfo> {
  const path = resolve(params.path);
  const media = await openMedia(path);
  try {
    const info = emptyInfo(path, media);
    await readBootstrap(media, info);
    await readVariables(media, info, params.mediaPassword);
    const manifest = await readManifest(media, info);
    await verifyFiles(media, info, manifest, context);
    if (!info.biosBootable && !info.uefiBootable) info.problems.push('The media boot neither with BIOS nor with UEFI.');
    if (params.siteCatalog) {
      const catalog = await loadSiteCatalog(resolve(params.siteCatalog));
      checkStaleness(info, catalog, { now, renewalSeconds: params.certificateRenewalSeconds ?? defaultRenewalSeconds, manifest });
    } else if (info.certificateNotAfter && new Date(info.certificateNotAfter) <= now) {
      info.problems.push(`The media certificate expired on ${info.certificateNotAfter}.`);
    }
    info.isValid = info.problems.length === 0;
    return info;
  } finally {
    media.close();
  }
}

function emptyInfo(path: string, media: OpenedMedia): BootMediaInfo {
  const byContainer = { iso: 'CD', disk: 'UFD+FORMAT', folder: 'UFD' } as const;
  return {
    path, container: media.container, fileSystem: media.volume.fileSystem, mediaType: byContainer[media.container],
    label: media.volume.label || null, mediaGuid: null, siteCode: null, managementPoints: [], mediaMode: null,
    bootImageId: null, bootImageVersion: null, architecture: architectureOf(media), biosBootable: media.boot.biosBootable,
    uefiBootable: media.boot.uefiBootable, passwordProtected: null, unattended: null, certificateThumbprint: null,
    certificateNotAfter: null, creator: null, filesVerified: 0, problems: [...media.problems], notes: [...media.boot.notes], isValid: false,
  };
}

/** From the UEFI boot file's name (UEFI 2.11 §3.5.1.1 removable media boot behaviour). */
function architectureOf(media: OpenedMedia): string | null {
  const byName: Record<string, string> = { BOOTX64: 'x64', BOOTIA32: 'x86', BOOTAA64: 'arm64' };
  const efi = media.volume.files.map((f) => /^efi\\boot\\(boot\w+)\.efi$/i.exec(f.path)?.[1]?.toUpperCase()).find((n) => n && byName[n]);
  return efi ? byName[efi]! : null;
}

async function readBootstrap(media: OpenedMedia, info: BootMediaInfo): Promise<TsmBootstrapFacts | null> {
  const label = media.find('MediaLabel.txt');
  if (label) info.label = parseMediaLabel(await media.readSmall(label)) ?? info.label;
  const file = media.find(bootstrapPath);
  if (!file) {
    info.problems.push(`${bootstrapPath} is missing: these are not task sequence boot media.`);
    return null;
  }
  const facts = parseTsmBootstrapIni(await media.readSmall(file));
  if (facts.mediaType !== undefined && facts.mediaType.toLowerCase() !== tsmBootstrapNames.bootMedia.toLowerCase()) info.notes.push(`${bootstrapPath} says MediaType=${facts.mediaType}.`);
  info.passwordProtected = facts.passwordRequired ?? null;
  info.unattended = facts.unattended ?? null;
  return facts;
}

async function readVariables(media: OpenedMedia, info: BootMediaInfo, password: string | undefined): Promise<void> {
  const file = media.find(variablesPath);
  if (!file) {
    info.problems.push(`${variablesPath} is missing.`);
    return;
  }
  let read;
  try {
    read = readMediaVariables(await media.readSmall(file), password);
  } catch (err) {
    if (!isCmTsError(err, 'E_INVALIDARG')) throw err;
    info.problems.push(`${variablesPath} cannot be read: ${err.detail}`);
    return;
  }
  if (read.status === 'password-needed') {
    info.passwordProtected = true;
    info.notes.push(`The media are password-protected: pass -MediaPassword to check ${variablesPath} and the media certificate.`);
    return;
  }
  if (read.status === 'wrong-password') {
    info.passwordProtected = true;
    info.problems.push(`The media password given does not open ${variablesPath}.`);
    return;
  }
  if (info.passwordProtected === null || read.defaultKey) info.passwordProtected = !read.defaultKey;
  await applyVariables(info, read.variables);
}

/** The PFX inside is hostile input too: its key derivations are bounded (certs/kdf.ts). */
async function applyVariables(info: BootMediaInfo, vars: Map<string, string>): Promise<void> {
  const get = (name: string): string | null => vars.get(name) ?? [...vars].find(([k]) => k.toUpperCase() === name.toUpperCase())?.[1] ?? null;
  info.mediaGuid = get('_SMSMediaGuid');
  info.siteCode = get('_SMSTSSiteCode');
  info.bootImageId = get('_SMSTSBootMediaPackageID');
  const locations = get('SMSTSLocationMPs');
  const mp = get('SMSTSMP');
  info.mediaMode = locations ? 'Dynamic' : mp ? 'Static' : null;
  info.managementPoints = locations ? locations.split('*').filter(Boolean) : mp ? [mp] : [];
  const pfxHex = get('_SMSTSMediaPFX');
  if (!pfxHex || !info.mediaGuid) {
    info.problems.push('The media variables carry no media certificate (_SMSTSMediaPFX) or no media GUID.');
    return;
  }
  try {
    const cert = await importPfx(new Uint8Array(Buffer.from(pfxHex, 'hex')), mediaPfxPassword(info.mediaGuid), '_SMSTSMediaPFX');
    info.certificateThumbprint = cert.thumbprint;
    info.certificateNotAfter = cert.notAfter.toISOString();
  } catch (err) {
    if (!isCmTsError(err)) throw err;
    info.problems.push(`The media certificate in _SMSTSMediaPFX does not open with the media GUID's password: ${err.message}`);
  }
}

async function readManifest(media: OpenedMedia, info: BootMediaInfo): Promise<MediaManifest | null> {
  const file = media.find(manifestPath);
  if (!file) {
    info.creator = null;
    info.notes.push(`No CmTsMedia manifest (${manifestPath}): media made by ConfigMgr or another tool. The files cannot be checked against what was written; everything else was checked.`);
    return null;
  }
  let manifest: MediaManifest;
  try {
    manifest = decodeManifest(await media.readSmall(file));
  } catch (err) {
    if (!isCmTsError(err, 'E_INVALIDARG')) throw err;
    info.problems.push(`The manifest cannot be read: ${err.detail}`);
    return null;
  }
  info.creator = `${manifest.creator} ${manifest.creatorVersion}`;
  info.mediaType = manifest.mediaType;
  info.bootImageVersion = manifest.bootImage.sourceVersion;
  info.architecture = manifest.bootImage.architecture;
  crossCheck(info, manifest);
  return manifest;
}

/** What the manifest says against what the encrypted variables say (when they could be read). */
function crossCheck(info: BootMediaInfo, m: MediaManifest): void {
  const pairs: Array<[string, string | null, string]> = [
    ['site code', info.siteCode, m.siteCode],
    ['boot image ID', info.bootImageId, m.bootImage.packageId],
    ['certificate thumbprint', info.certificateThumbprint, m.certificate.thumbprint],
  ];
  for (const [what, fromVariables, fromManifest] of pairs) {
    if (fromVariables !== null && fromVariables.toUpperCase() !== fromManifest.toUpperCase()) {
      info.problems.push(`The ${what} in the media variables (${fromVariables}) differs from the manifest's (${fromManifest}).`);
    }
  }
  info.siteCode ??= m.siteCode;
  info.bootImageId ??= m.bootImage.packageId;
  info.certificateThumbprint ??= m.certificate.thumbprint;
  info.certificateNotAfter ??= m.certificate.notAfter;
  if (info.managementPoints.length === 0) info.managementPoints = [...m.managementPoints];
}

async function verifyFiles(media: OpenedMedia, info: BootMediaInfo, manifest: MediaManifest | null, context: JobContext): Promise<void> {
  if (!manifest) return;
  const listed: Array<{ expected: MediaManifest['files'][number]; file: ReadFile }> = [];
  for (const expected of manifest.files) {
    const file = media.find(expected.path);
    if (!file) info.problems.push(`${expected.path} is missing from the media.`);
    else if (file.sizeBytes !== expected.sizeBytes) info.problems.push(`${expected.path} has ${file.sizeBytes} bytes; the manifest says ${expected.sizeBytes}.`);
    else listed.push({ expected, file });
  }
  const known = new Set([...manifest.files.map((f) => f.path.toUpperCase()), manifestPath.toUpperCase()]);
  const extra = media.volume.files.filter((f) => !known.has(f.path.toUpperCase()));
  if (extra.length > 0) info.notes.push(`Files on the media that the manifest does not list: ${extra.slice(0, 10).map((f) => f.path).join(', ')}${extra.length > 10 ? ', ...' : ''}`);
  let lastPercent = -1;
  const digests = await media.hash(listed.map((l) => l.file), {
    signal: context.signal,
    onBytes: (done, total) => {
      const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
      if (percent !== lastPercent) context.event('progress', { step: 1, steps: 1, stepInfo: 'Verifying the media files', percent });
      lastPercent = percent;
    },
  });
  listed.forEach(({ expected }, i) => {
    if (digests[i] === expected.sha256) info.filesVerified++;
    else info.problems.push(`${expected.path} differs from what was written (SHA-256 ${digests[i]}, manifest ${expected.sha256}).`);
  });
}

/**
 * The engine's writeSiteCatalog command (docs/protocol.md): the module fetched the site's replies
 * (docs/live-site.md, "Where HTTP happens"); here they become a checked catalog, written so that an
 * older catalog at the same path stays intact until the new one is complete: the certificate files
 * first, each under a name that holds its thumbprint (so they never overwrite a file the old catalog
 * uses with other bytes), then the catalog by one atomic rename; certificate files that no catalog
 * names any more are removed last.
 */
import { lstat, mkdir, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { CmTsError, fromSystemError } from '../../errors/index.js';
import { writeFileAtomically } from '../../output/atomic-file.js';
import type { JobContext } from '../../system/job.js';
import { parseSiteCatalog } from '../catalog.js';
import { buildSiteCatalog, type CertificateFile } from './build-catalog.js';
import { readManagementPointReplies } from './mp-replies.js';
import { readBootImages, readDistributions, readIdentification } from './provider-replies.js';

export interface WriteSiteCatalogParams {
  path: string;
  force?: boolean | undefined;
  managementPoint: string;
  /** `.sms_aut` operation (as requested, e.g. `MPLIST1&PS1`) -> reply body. */
  mpReplies: Record<string, string>;
  /** The AdminService URL, or the WMI namespace path the module read. */
  provider: string;
  /** WMI class -> the OData envelope `{"value": [...]}` (AdminService text, or CIM instances the module wrapped). */
  providerReplies: Record<string, string>;
  contentLibraries?: string[] | undefined;
  /** Recorded in the catalog, so that New-CMBootMedia -Register reaches the provider as this run did. */
  skipCertificateCheck?: boolean | undefined;
}

export interface SiteCatalogSummary {
  path: string;
  siteCode: string;
  siteName: string | null;
  managementPoints: string[];
  defaultManagementPoint: string;
  bootImages: Array<{ packageId: string; name: string; architecture: string; sourceVersion: number; distributionPoints: string[] }>;
  distributionPoints: Array<{ name: string; contentLibrary: string }>;
  certificateFiles: string[];
}

/** Certificate files of earlier runs that the new catalog does not name (names as buildSiteCatalog makes them). */
async function removeStaleCertificates(folder: string, keep: readonly string[]): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (/^(mp\..+|site-signing|sms-issuing)\.[0-9A-F]{40}\.cer$/.test(name) && !keep.includes(name)) await unlink(join(folder, name)).catch(() => undefined);
  }
}

export async function writeSiteCatalog(params: WriteSiteCatalogParams, context: JobContext): Promise<SiteCatalogSummary> {
  const path = resolve(params.path);
  if (extname(path) === '') throw new CmTsError('E_INVALIDARG', `path ${path} has no extension; name the catalog file, e.g. site.json`);
  const force = params.force === true;
  const certificateFolder = `${basename(path, extname(path))}.certs`;
  const built = buildSiteCatalog({
    managementPointUrl: params.managementPoint,
    provider: params.provider,
    mp: readManagementPointReplies(params.managementPoint, params.mpReplies),
    site: readIdentification(params.provider, params.providerReplies.SMS_Identification),
    bootImages: readBootImages(params.provider, params.providerReplies.SMS_BootImagePackage),
    distributions: readDistributions(params.provider, params.providerReplies.SMS_PackageStatusDistPointsSummarizer),
    contentLibraries: params.contentLibraries ?? [],
    skipCertificateCheck: params.skipCertificateCheck === true,
    certificateFolder,
    platform: process.platform,
    now: new Date(),
  });
  // The catalog's own checks, before anything is written: what is written is what New-CMBootMedia reads.
  const catalog = parseSiteCatalog(built.json, path);
  for (const warning of built.warnings) context.event('warning', { message: warning });

  if (!force && (await lstat(path).then(() => true, () => false))) throw new CmTsError('E_FILEEXISTS', path);
  const folder = join(dirname(path), certificateFolder);
  await mkdir(folder, { recursive: true }).catch((err: unknown) => {
    throw fromSystemError(err, folder);
  });
  for (const cert of built.certificates) await writeFileAtomically(join(dirname(path), cert.relativePath), cert.der, true);
  await writeFileAtomically(path, Buffer.from(`${JSON.stringify(built.json, null, 2)}\n`, 'utf8'), force);
  await removeStaleCertificates(folder, built.certificates.map((c: CertificateFile) => basename(c.relativePath)));

  const defaultMp = catalog.managementPoints.find((m) => m.default)!;
  return {
    path,
    siteCode: catalog.siteCode,
    siteName: catalog.siteName ?? null,
    managementPoints: catalog.managementPoints.map((m) => m.name),
    defaultManagementPoint: defaultMp.name,
    bootImages: catalog.bootImages.map((b) => ({ packageId: b.packageId, name: b.name, architecture: b.architecture, sourceVersion: b.sourceVersion, distributionPoints: [...b.distributionPoints] })),
    distributionPoints: catalog.distributionPoints.map((d) => ({ name: d.name, contentLibrary: d.contentLibrary ?? d.contentPath ?? '' })),
    certificateFiles: built.certificates.map((c) => join(dirname(path), c.relativePath)),
  };
}

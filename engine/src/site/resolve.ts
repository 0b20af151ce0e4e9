/**
 * What boot media need from the site, read from the catalog's files, with the SDK's site errors
 * (docs/site-catalog.md "Errors"). Order of the checks, as the SDK meets them: the default management point
 * (NODEFAULTMP), its certificates (NOMPCERTS), the CA certificates (NOCACERT), the site signing
 * certificate (NOSITESIGNCERT), then the boot image package on its DPs (MISSINGPACKAGE).
 */
import { stat } from 'node:fs/promises';
import { readSmallFile } from '../system/small-file.js';
import { readCertificates } from '../certs/index.js';
import { CmTsError } from '../errors/index.js';
import type { Architecture, CatalogBootImage, CatalogDistributionPoint, CatalogManagementPoint, SiteCatalog, UnknownMachines } from './catalog.js';
import { findInContentLibrary } from './content-library.js';
import { distributionPoint, resolveCatalogPath } from './catalog.js';

export interface MediaManagementPoint {
  readonly name: string;
  readonly url: string;
  /** The catalog's sslState; else 0 for an http URL and 63 for https, as MPLIST reports them (docs/media.md). */
  readonly sslState: number;
}

export interface ResolvedBootMedia {
  readonly siteCode: string;
  readonly siteName?: string;
  readonly managementPoint: { readonly name: string; readonly url: string; readonly certificates: readonly Uint8Array[] };
  /** The MPs the media talk to: -ManagementPoint in its order, else the default MP (static) or every MP (dynamic). */
  readonly mediaManagementPoints: readonly MediaManagementPoint[];
  readonly trustedRootKey?: string;
  readonly unknownMachines?: UnknownMachines;
  /** DER; empty when the site lists none and its default MP is HTTP. */
  readonly caCertificates: readonly Uint8Array[];
  readonly siteSigningCertificate: Uint8Array;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly bootImage: {
    readonly packageId: string;
    readonly name: string;
    readonly architecture: Architecture;
    readonly sourceVersion: number;
    /** The WIM on the first of the image's DPs (catalog order) that has it. */
    readonly wimPath: string;
    /** That DP's name. */
    readonly distributionPoint: string;
    /** Set when the WIM comes from a content library: its recorded size and SHA-256. */
    readonly contentLibrary?: BootImageLocation['contentLibrary'];
  };
}

/** Every certificate of the files, DER; or the first file that cannot be read or parsed, with the reason. */
async function loadCertificates(paths: readonly string[]): Promise<{ ders: Uint8Array[] } | { reason: string; path: string }> {
  const ders: Uint8Array[] = [];
  for (const path of paths) {
    try {
      ders.push(...readCertificates(new Uint8Array(await readSmallFile(path, 'certificate')), path));
    } catch (err) {
      return { path, reason: err instanceof CmTsError ? err.detail : `${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
  }
  return { ders };
}

async function isFile(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? undefined : 'not a file';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

export interface BootImageLocation {
  wimPath: string;
  distributionPoint: string;
  /** From a content library: what the library records for the file (size, SHA-256), checked while it is copied. */
  contentLibrary?: { contentId: string; sha256: string; sizeBytes: number };
}

/** The image's file on one DP: a file under its contentPath, or found through its content library. */
async function locateOn(dp: CatalogDistributionPoint, image: CatalogBootImage): Promise<BootImageLocation | { path: string; reason: string }> {
  if (dp.contentLibrary !== undefined) {
    const fileName = image.path.split(/[\\/]/).pop()!;
    const found = await findInContentLibrary(dp.contentLibrary, image.packageId, image.sourceVersion, fileName);
    if (!('sha256' in found)) return found;
    const problem = await isFile(found.path);
    if (problem !== undefined) return { path: found.path, reason: problem };
    return { wimPath: found.path, distributionPoint: dp.name, contentLibrary: { contentId: found.contentId, sha256: found.sha256, sizeBytes: found.sizeBytes } };
  }
  const wimPath = resolveCatalogPath(dp.contentPath!, image.path);
  const problem = await isFile(wimPath);
  return problem === undefined ? { wimPath, distributionPoint: dp.name } : { path: wimPath, reason: problem };
}

/**
 * The first of the boot image's distribution points whose copy is a regular file, and what was
 * wrong with each one tried before it.
 */
export async function locateBootImage(
  catalog: SiteCatalog,
  image: CatalogBootImage,
): Promise<{ location?: BootImageLocation; checked: Array<{ distributionPoint: string; path: string; reason: string }> }> {
  const checked: Array<{ distributionPoint: string; path: string; reason: string }> = [];
  for (const name of image.distributionPoints) {
    const dp = distributionPoint(catalog, name);
    const found = await locateOn(dp, image);
    if ('wimPath' in found) return { location: found, checked };
    checked.push({ distributionPoint: dp.name, ...found });
  }
  return { checked };
}

/** What the media ask of the site besides the boot image (New-CMBootMedia -MediaMode, -ManagementPoint, -DistributionPoint). */
export interface SiteChoices {
  readonly mediaMode?: 'Static' | 'Dynamic';
  /** MP names, matched case-insensitively against the catalog. */
  readonly managementPoints?: readonly string[];
  readonly distributionPoint?: string;
}

const sslStateOf = (mp: CatalogManagementPoint): number => mp.sslState ?? (new URL(mp.url).protocol === 'https:' ? 63 : 0);

/** The media's MPs (see ResolvedBootMedia); a name that is not in the catalog, or two MPs for static media, is E_INVALIDARG. */
function chooseManagementPoints(catalog: SiteCatalog, defaultMp: CatalogManagementPoint, choices: SiteChoices): MediaManagementPoint[] {
  const dynamic = choices.mediaMode === 'Dynamic';
  let chosen: readonly CatalogManagementPoint[] = dynamic ? catalog.managementPoints : [defaultMp];
  if (choices.managementPoints && choices.managementPoints.length > 0) {
    if (!dynamic && choices.managementPoints.length > 1) {
      throw new CmTsError('E_INVALIDARG', `ManagementPoint names ${choices.managementPoints.length} management points; static media talk to one (use -MediaMode Dynamic for several)`);
    }
    chosen = choices.managementPoints.map((name) => {
      const mp = catalog.managementPoints.find((m) => m.name.toUpperCase() === name.toUpperCase());
      if (!mp) throw new CmTsError('E_INVALIDARG', `ManagementPoint ${name} is not in $.managementPoints of ${catalog.path} (${catalog.managementPoints.map((m) => m.name).join(', ')})`);
      return mp;
    });
  }
  return chosen.map((mp) => ({ name: mp.name, url: mp.url, sslState: sslStateOf(mp) }));
}

/**
 * Resolves `bootImageId` (case-insensitive) against the site. `data.reason` of an SDK error says
 * which file or field caused it; the detail is the SDK's ErrorDetail (MP name, package ID, or empty).
 */
export async function resolveBootMedia(catalog: SiteCatalog, bootImageId: string, choices: SiteChoices = {}): Promise<ResolvedBootMedia> {
  const mp = catalog.managementPoints.find((m) => m.default);
  if (!mp) throw new CmTsError('CREATETSMEDIA_E_NODEFAULTMP', '', { reason: `no entry of $.managementPoints in ${catalog.path} has "default": true` });
  const mediaManagementPoints = chooseManagementPoints(catalog, mp, choices);

  if (mp.certificates.length === 0) throw new CmTsError('CREATETSMEDIA_E_NOMPCERTS', mp.name, { reason: 'the default management point lists no certificates' });
  const mpCerts = await loadCertificates(mp.certificates);
  if (!('ders' in mpCerts)) throw new CmTsError('CREATETSMEDIA_E_NOMPCERTS', mp.name, { reason: mpCerts.reason });

  const httpsMp = [mp, ...mediaManagementPoints].find((m) => new URL(m.url).protocol === 'https:');
  const https = httpsMp !== undefined;
  const ca = await loadCertificates(catalog.caCertificates);
  if (!('ders' in ca)) {
    // Only an HTTPS MP needs the CA (docs/site-catalog.md "Fields"); for an HTTP one an unreadable listed file is a catalog defect.
    if (https) throw new CmTsError('CREATETSMEDIA_E_NOCACERT', '', { reason: ca.reason });
    const index = catalog.caCertificates.indexOf(ca.path);
    throw new CmTsError('E_INVALIDARG', `site catalog ${catalog.path}: $.caCertificates[${index}] cannot be used: ${ca.reason}`);
  }
  if (https && ca.ders.length === 0) throw new CmTsError('CREATETSMEDIA_E_NOCACERT', '', { reason: `the management point ${httpsMp.url} uses HTTPS and $.caCertificates is empty` });

  if (catalog.siteSigningCertificate === undefined) throw new CmTsError('CREATETSMEDIA_E_NOSITESIGNCERT', '', { reason: '$.siteSigningCertificate is not set' });
  const signing = await loadCertificates([catalog.siteSigningCertificate]);
  if (!('ders' in signing)) throw new CmTsError('CREATETSMEDIA_E_NOSITESIGNCERT', '', { reason: signing.reason });

  const packageId = bootImageId.toUpperCase();
  const image = catalog.bootImages.find((b) => b.packageId.toUpperCase() === packageId);
  if (!image) throw new CmTsError('CREATETSMEDIA_E_MISSINGPACKAGE', bootImageId, { reason: `${bootImageId} is not in $.bootImages of ${catalog.path}` });
  const { location, checked } = await locateBootImage(catalog, imageOnDistributionPoint(catalog, image, choices.distributionPoint));
  if (location) {
    return {
      siteCode: catalog.siteCode.toUpperCase(),
      ...(catalog.siteName !== undefined ? { siteName: catalog.siteName } : {}),
      managementPoint: { name: mp.name, url: mp.url, certificates: mpCerts.ders },
      mediaManagementPoints,
      ...(catalog.trustedRootKey !== undefined ? { trustedRootKey: catalog.trustedRootKey } : {}),
      ...(catalog.unknownMachines !== undefined ? { unknownMachines: catalog.unknownMachines } : {}),
      caCertificates: ca.ders,
      siteSigningCertificate: signing.ders[0]!,
      httpPort: catalog.clientPorts.http,
      httpsPort: catalog.clientPorts.https,
      bootImage: {
        packageId: image.packageId.toUpperCase(),
        name: image.name,
        architecture: image.architecture,
        sourceVersion: image.sourceVersion,
        ...location,
      },
    };
  }
  throw new CmTsError('CREATETSMEDIA_E_MISSINGPACKAGE', image.packageId, {
    reason: checked.length === 0 ? 'the boot image lists no distribution points'
      : choices.distributionPoint ? `the boot image file is not on distribution point ${choices.distributionPoint}`
        : 'the boot image file is on none of its distribution points',
    checked,
  });
}

/** The image as found on one DP only (-DistributionPoint): a DP the catalog does not list is E_INVALIDARG, one the image does not list MISSINGPACKAGE. */
function imageOnDistributionPoint(catalog: SiteCatalog, image: CatalogBootImage, name: string | undefined): CatalogBootImage {
  if (name === undefined) return image;
  if (!catalog.distributionPoints.some((dp) => dp.name.toUpperCase() === name.toUpperCase())) {
    throw new CmTsError('E_INVALIDARG', `DistributionPoint ${name} is not in $.distributionPoints of ${catalog.path} (${catalog.distributionPoints.map((d) => d.name).join(', ')})`);
  }
  const listed = image.distributionPoints.filter((dp) => dp.toUpperCase() === name.toUpperCase());
  if (listed.length === 0) {
    throw new CmTsError('CREATETSMEDIA_E_MISSINGPACKAGE', image.packageId, { reason: `boot image ${image.packageId} is not distributed to ${name} ($.bootImages distributionPoints: ${image.distributionPoints.join(', ')})` });
  }
  return { ...image, distributionPoints: listed };
}

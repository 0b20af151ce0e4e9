/**
 * Staleness of boot media against a site catalog (docs/readback.md "What Test-CMBootMedia checks"): the
 * boot image's source version behind the site's, a management point the site no longer has, the
 * media certificate expiring within the renewal window, a boot image or site code that changed.
 */
import type { MediaManifest } from '../formats/manifest/index.js';
import type { SiteCatalog } from '../site/index.js';
import type { BootMediaInfo } from './media-info.js';

export interface StalenessOptions {
  now: Date;
  renewalSeconds: number;
  manifest: MediaManifest | null;
}

/** "http://MP01.contoso.com" and "MP01.contoso.com" name the same MP: compare host names. */
const hostOf = (mp: string): string => {
  try {
    return new URL(mp.includes('://') ? mp : `http://${mp}`).hostname.toUpperCase();
  } catch {
    return mp.toUpperCase();
  }
};

export function checkStaleness(info: BootMediaInfo, catalog: SiteCatalog, options: StalenessOptions): void {
  const site = `site ${catalog.siteCode} (${catalog.path})`;
  if (info.siteCode && info.siteCode.toUpperCase() !== catalog.siteCode.toUpperCase()) info.problems.push(`The media belong to site ${info.siteCode}, not to ${site}.`);
  checkBootImage(info, catalog, site);
  const siteMps = new Set(catalog.managementPoints.flatMap((mp) => [hostOf(mp.name), hostOf(mp.url)]));
  for (const mp of info.managementPoints) {
    if (!siteMps.has(hostOf(mp))) info.problems.push(`Management point ${mp} is no longer in ${site}.`);
  }
  checkCertificate(info, options);
}

function checkBootImage(info: BootMediaInfo, catalog: SiteCatalog, site: string): void {
  if (!info.bootImageId) return;
  const image = catalog.bootImages.find((b) => b.packageId.toUpperCase() === info.bootImageId!.toUpperCase());
  if (!image) {
    info.problems.push(`Boot image ${info.bootImageId} is no longer in ${site}.`);
    return;
  }
  if (info.bootImageVersion === null) {
    info.notes.push(`The media do not record the boot image's source version; the site has version ${image.sourceVersion}.`);
  } else if (info.bootImageVersion < image.sourceVersion) {
    info.problems.push(`Boot image ${image.packageId} on the media is source version ${info.bootImageVersion}; ${site} has version ${image.sourceVersion}.`);
  } else if (info.bootImageVersion > image.sourceVersion) {
    info.notes.push(`Boot image ${image.packageId} on the media is source version ${info.bootImageVersion}, newer than the catalog's ${image.sourceVersion}: the catalog may be out of date.`);
  }
}

function checkCertificate(info: BootMediaInfo, options: StalenessOptions): void {
  if (!info.certificateNotAfter) return;
  const notAfter = new Date(info.certificateNotAfter);
  if (notAfter <= options.now) {
    info.problems.push(`The media certificate expired on ${info.certificateNotAfter}.`);
  } else if (notAfter.getTime() - options.now.getTime() <= options.renewalSeconds * 1000) {
    const days = Math.ceil((notAfter.getTime() - options.now.getTime()) / 86_400_000);
    info.problems.push(`The media certificate expires on ${info.certificateNotAfter}, in ${days} day${days === 1 ? '' : 's'}: within the renewal window of ${Math.round(options.renewalSeconds / 86400)} days.`);
  }
}

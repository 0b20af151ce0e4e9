import { resolve } from 'node:path';
import { isCmTsError } from '../errors/index.js';
import { WimReader } from '../formats/wim/index.js';
import { listBootImages, loadSiteCatalog, locateBootImage } from '../site/index.js';

export interface BootImageInfo {
  siteCode: string;
  packageId: string;
  name: string;
  architecture: string;
  sourceVersion: number;
  /** The first distribution point copy that exists, or null when no DP holds the file. */
  wimPath: string | null;
  distributionPoints: string[];
  /** Where the WIM should be on each of its DPs, in the same order. */
  wimPaths: readonly string[];
  /** Read from the WIM itself; null when the file is missing or does not say. */
  wimArchitecture: string | null;
  wimImageName: string | null;
  wimVersion: string | null;
  /** Why the WIM could not be read (its error code), or null. */
  problem: string | null;
}

/** The boot images of a catalog, each with what its WIM says about itself (Get-CMBootMediaImage). */
export async function describeBootImages(siteCatalog: string): Promise<BootImageInfo[]> {
  const catalog = await loadSiteCatalog(resolve(siteCatalog));
  const images: BootImageInfo[] = [];
  for (const [index, listing] of listBootImages(catalog).entries()) {
    const { location } = await locateBootImage(catalog, catalog.bootImages[index]!);
    const wimPath = location?.wimPath ?? null;
    const described: BootImageInfo = { ...listing, wimPath, distributionPoints: [...listing.distributionPoints], wimArchitecture: null, wimImageName: null, wimVersion: null, problem: wimPath ? null : 'CREATETSMEDIA_E_MISSINGPACKAGE' };
    if (wimPath) {
      const wim = await WimReader.open(wimPath).catch((err: unknown) => err);
      if (wim instanceof WimReader) {
        const info = wim.info.images[wim.info.bootIndex > 0 ? wim.info.bootIndex - 1 : 0];
        Object.assign(described, { wimArchitecture: info?.architecture ?? null, wimImageName: info?.name ?? null, wimVersion: info?.version ?? null });
        await wim.close();
      } else {
        described.problem = isCmTsError(wim) ? wim.code : 'E_UNEXPECTED';
      }
    }
    images.push(described);
  }
  return images;
}

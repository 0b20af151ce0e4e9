/**
 * The boot image's bytes for sources\boot.wim. From a content library the file must have the size
 * and SHA-256 the library records: the size is checked here, the hash when the media manifest has
 * taken it from the bytes the writer streamed (one pass, one hash; media/manifest.ts), which is
 * before the media are committed (docs/live-site.md, "Checking the content hash"). The digest is
 * remembered for the next creation from the same, unchanged file (ops/hash-cache.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CmTsError } from '../errors/index.js';
import { diskFileSource, type PositionalSource } from '../formats/sources.js';
import { cachedSha256, fileIdentity, identitySettled, rememberSha256 } from '../ops/hash-cache.js';
import type { ResolvedBootMedia } from '../site/index.js';

export async function bootImageSource(bootImage: ResolvedBootMedia['bootImage']): Promise<PositionalSource> {
  const path = bootImage.wimPath;
  const source = await diskFileSource(path);
  const recorded = bootImage.contentLibrary;
  const where = recorded ? `${path} (content ${recorded.contentId} on ${bootImage.distributionPoint})` : path;
  if (recorded && source.sizeBytes !== recorded.sizeBytes) {
    throw new CmTsError('CMTSMEDIA_E_CONTENTHASH', `${where} has ${source.sizeBytes} bytes, the library records ${recorded.sizeBytes}`);
  }
  // an earlier creation's digest of this very file (ops/hash-cache.ts); checked unchanged after the copy
  const identity = fileIdentity(path);
  const known = identity === undefined ? undefined : cachedSha256(identity);
  const settled = identity !== undefined && identitySettled(identity);
  const unchanged = (): boolean => identity !== undefined && fileIdentity(path) === identity;
  return {
    sizeBytes: source.sizeBytes,
    origin: source.origin,
    open: (signal) => source.open(signal),
    openReader: () => source.openReader(),
    ...(known ? { knownSha256: async () => (unchanged() ? known : Promise.reject(new CmTsError('CMTSMEDIA_E_SOURCECHANGED', path))) } : {}),
    checkSha256(sha256) {
      const actual = sha256.toUpperCase();
      if (recorded && actual !== recorded.sha256) throw new CmTsError('CMTSMEDIA_E_CONTENTHASH', `${where} has SHA-256 ${actual}, the library records ${recorded.sha256}`);
      if (!known && settled && unchanged()) rememberSha256(identity!, sha256);
    },
  };
}

/** Errors of a WIM that may only mean the content library's copy is damaged. */
const damagedWimCodes = new Set(['CMTSMEDIA_E_WIMCORRUPT', 'CMTSMEDIA_E_NOTWIM', 'CMTSMEDIA_E_WIMNOFILE', 'CMTSMEDIA_E_WIMNOIMAGE', 'CMTSMEDIA_E_WIMCOMPRESSION']);

/**
 * A content-library WIM that cannot be read may simply be a damaged copy: then the admin's remedy
 * is to redistribute, so the error says that (CMTSMEDIA_E_CONTENTHASH, the WIM error as its cause).
 * Costs one extra read of the file, on this failure path only.
 */
export async function explainDamagedCopy(bootImage: ResolvedBootMedia['bootImage'] | undefined, error: CmTsError): Promise<CmTsError> {
  const recorded = bootImage?.contentLibrary;
  if (!bootImage || !recorded || !damagedWimCodes.has(error.code)) return error;
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(bootImage.wimPath)) hash.update(chunk as Buffer);
  } catch {
    return error;
  }
  const actual = hash.digest('hex').toUpperCase();
  if (actual === recorded.sha256) return error;
  return new CmTsError('CMTSMEDIA_E_CONTENTHASH', `${bootImage.wimPath} (content ${recorded.contentId} on ${bootImage.distributionPoint}) has SHA-256 ${actual}, the library records ${recorded.sha256} (reading it failed: ${error.message})`, undefined, { cause: error });
}

/**
 * SMS\data\CmTsMedia.json: what CmTsMedia put on the media (docs/readback.md "The manifest").
 * ConfigMgr ignores the file. Its size is known when the media are planned: every field but the
 * digests is known then, and a SHA-256 digest is always 64 hex characters, so the planned bytes
 * are the final bytes with the digests still zero.
 */
import { CmTsError } from '../../errors/index.js';

export { hashingSource, type HashingSource } from './hashing-source.js';

/** Where the manifest lives on every media type (backslashes as on the media). */
export const manifestPath = 'SMS\\data\\CmTsMedia.json';
export const manifestSchemaVersion = 1;
export const manifestCreator = 'CmTsMedia';

export interface ManifestFile {
  /** Media path with backslashes, as Windows shows it (`sources\boot.wim`). */
  readonly path: string;
  readonly sizeBytes: number;
  /** Lowercase hex SHA-256. */
  readonly sha256: string;
}

export interface MediaManifest {
  readonly schemaVersion: number;
  readonly creator: string;
  readonly creatorVersion: string;
  /** ISO 8601 UTC. */
  readonly created: string;
  readonly mediaType: string;
  readonly siteCode: string;
  readonly bootImage: { readonly packageId: string; readonly sourceVersion: number; readonly architecture: string };
  /** The management point URLs the media talk to (public facts, as the site's MP list is). */
  readonly managementPoints: readonly string[];
  /** The media certificate's public facts: a renewal check needs no password. */
  readonly certificate: { readonly thumbprint: string; readonly notAfter: string };
  /** What New-CMBootMedia was asked for (label, password protected, ...). */
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly files: readonly ManifestFile[];
}

const zeroDigest = '0'.repeat(64);
const hexDigest = /^[0-9a-f]{64}$/;

/** The manifest's bytes: UTF-8 JSON, two-space indented, CRLF (a Windows text file), one file per line. */
export function encodeManifest(manifest: MediaManifest): Uint8Array {
  for (const f of manifest.files) if (!hexDigest.test(f.sha256)) throw new CmTsError('E_UNEXPECTED', `digest of ${f.path} is not 64 hex digits`);
  const { files, ...head } = manifest;
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const lines = files.map((f) => `    ${JSON.stringify({ path: f.path, sizeBytes: f.sizeBytes, sha256: f.sha256 })}`);
  const text = `${headText},\n  "files": [\n${lines.join(',\n')}\n  ]\n}\n`;
  return new TextEncoder().encode(text.replace(/\n/g, '\r\n'));
}

/** The size encodeManifest will give once the digests are known. */
export function plannedManifestBytes(manifest: Omit<MediaManifest, 'files'> & { files: ReadonlyArray<Omit<ManifestFile, 'sha256'>> }): number {
  return encodeManifest({ ...manifest, files: manifest.files.map((f) => ({ ...f, sha256: zeroDigest })) }).length;
}

/** Reads a manifest; anything that is not one is E_INVALIDARG naming the bad field. */
export function decodeManifest(bytes: Uint8Array): MediaManifest {
  const bad = (why: string): CmTsError => new CmTsError('E_INVALIDARG', `${manifestPath}: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw bad(`not UTF-8 JSON (${(err as Error).message})`);
  }
  const m = value as Partial<MediaManifest> | null;
  if (!m || typeof m !== 'object') throw bad('not a JSON object');
  if (m.schemaVersion !== manifestSchemaVersion) throw bad(`schemaVersion ${String(m.schemaVersion)} is not ${manifestSchemaVersion}`);
  for (const key of ['creator', 'creatorVersion', 'created', 'mediaType', 'siteCode'] as const) {
    if (typeof m[key] !== 'string') throw bad(`${key} is not a string`);
  }
  const b = m.bootImage;
  if (!b || typeof b.packageId !== 'string' || !Number.isInteger(b.sourceVersion) || typeof b.architecture !== 'string') throw bad('bootImage is not {packageId, sourceVersion, architecture}');
  if (!Array.isArray(m.managementPoints) || m.managementPoints.some((u) => typeof u !== 'string')) throw bad('managementPoints is not a list of strings');
  if (!m.certificate || typeof m.certificate.thumbprint !== 'string' || typeof m.certificate.notAfter !== 'string') throw bad('certificate is not {thumbprint, notAfter}');
  if (!m.options || typeof m.options !== 'object') throw bad('options is not an object');
  if (!Array.isArray(m.files)) throw bad('files is not a list');
  m.files.forEach((f, i) => {
    if (!f || typeof f.path !== 'string' || !Number.isSafeInteger(f.sizeBytes) || f.sizeBytes < 0 || typeof f.sha256 !== 'string' || !hexDigest.test(f.sha256)) {
      throw bad(`files[${i}] is not {path, sizeBytes, sha256}`);
    }
  });
  return m as MediaManifest;
}

/**
 * A distribution point's content library (SCCMContentLib; docs/live-site.md, "Content library"):
 * a package's file is found through PkgLib\<PackageID>.INI (its content IDs) ->
 * DataLib\<ContentID>\<file>.INI (the file's size and SHA-256) -> FileLib\<first 4 hex>\<hash>
 * (the bytes, stored once per distinct content). The library may be a Windows share
 * (\\DP01\SCCMContentLib$) or where it is mounted; names are matched case-insensitively, as
 * Windows matches them, so a mount with a case-sensitive file system works too.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readSmallFile } from '../system/small-file.js';

export interface ContentLibraryFile {
  /** The file's bytes: FileLib\<hash[0..3]>\<hash>. */
  readonly path: string;
  /** The content ID it belongs to, e.g. PS100005.3. */
  readonly contentId: string;
  /** SHA-256 the library records for the file, uppercase hex. */
  readonly sha256: string;
  readonly sizeBytes: number;
}

/** What was wrong, for CREATETSMEDIA_E_MISSINGPACKAGE's data.checked. */
export interface ContentLibraryMiss {
  readonly path: string;
  readonly reason: string;
}

/** INI text (8-bit; CRLF or LF) as sections of key=value, names upper-cased for lookup. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  sections.set('', current);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = sections.get(section[1]!.toUpperCase()) ?? new Map();
      sections.set(section[1]!.toUpperCase(), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current.set(line.slice(0, eq).trim().toUpperCase(), line.slice(eq + 1).trim());
  }
  return sections;
}

/** `folder/name`, or the entry of `folder` whose name matches case-insensitively; undefined when there is none. */
async function findEntry(folder: string, name: string): Promise<string | undefined> {
  const exact = join(folder, name);
  if (await stat(exact).then(() => true, () => false)) return exact;
  const entries = await readdir(folder).catch(() => [] as string[]);
  const match = entries.find((e) => e.toUpperCase() === name.toUpperCase());
  return match === undefined ? undefined : join(folder, match);
}

async function readIni(path: string): Promise<Map<string, Map<string, string>>> {
  return parseIni((await readSmallFile(path, 'content library INI', 1 << 20)).toString('latin1'));
}

/** Content IDs `<PackageID>.<n>` of PkgLib's [Packages], highest version first. */
function packageContentIds(ini: Map<string, Map<string, string>>, packageId: string): Array<{ id: string; version: number }> {
  const pattern = new RegExp(`^${packageId}\\.(\\d+)$`, 'i');
  const ids: Array<{ id: string; version: number }> = [];
  for (const key of ini.get('PACKAGES')?.keys() ?? []) {
    const m = pattern.exec(key);
    if (m) ids.push({ id: `${packageId.toUpperCase()}.${m[1]}`, version: Number(m[1]) });
  }
  return ids.sort((a, b) => b.version - a.version);
}

/**
 * Finds `fileName` of package `packageId` in the library at `root`: the content whose version is
 * `sourceVersion` when PkgLib lists it, else the newest it lists (older DataLib folders linger).
 */
export async function findInContentLibrary(root: string, packageId: string, sourceVersion: number, fileName: string): Promise<ContentLibraryFile | ContentLibraryMiss> {
  const pkgLib = await findEntry(join(root, 'PkgLib'), `${packageId}.INI`);
  if (!pkgLib) return { path: join(root, 'PkgLib', `${packageId}.INI`), reason: 'the content library does not hold the package (no PkgLib entry)' };
  const ids = packageContentIds(await readIni(pkgLib), packageId);
  if (ids.length === 0) return { path: pkgLib, reason: 'PkgLib lists no content of the package under [Packages]' };
  const content = ids.find((c) => c.version === sourceVersion) ?? ids[0]!;
  const dataLib = await findEntry(join(root, 'DataLib'), content.id);
  const fileIniPath = dataLib && (await findEntry(dataLib, `${fileName}.INI`));
  if (!fileIniPath) return { path: join(root, 'DataLib', content.id, `${fileName}.INI`), reason: `content ${content.id} has no ${fileName}` };
  const file = (await readIni(fileIniPath)).get('FILE');
  const sha256 = file?.get('HASH') ?? '';
  const size = file?.get('SIZE') ?? '';
  if (!/^[0-9A-Fa-f]{64}$/.test(sha256) || !/^\d+$/.test(size)) return { path: fileIniPath, reason: '[File] lacks a 64-digit Hash= or a Size=' };
  const hash = sha256.toUpperCase();
  const bucket = await findEntry(join(root, 'FileLib'), hash.slice(0, 4));
  const path = bucket && (await findEntry(bucket, hash));
  if (!path) return { path: join(root, 'FileLib', hash.slice(0, 4), hash), reason: 'FileLib does not hold the file the content records' };
  return { path, contentId: content.id, sha256: hash, sizeBytes: Number(size) };
}

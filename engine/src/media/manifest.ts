/**
 * Puts the manifest (SMS\data\CmTsMedia.json, docs/readback.md) on the media: every file of the
 * tree is wrapped to hash what the writer streams, and the manifest is a file of planned size,
 * written last (TreeFile.writeLast), whose bytes are made from those digests when its turn comes.
 * The media writers' atomic replace covers it like any other file.
 */
import { CmTsError } from '../errors/index.js';
import { encodeManifest, hashingSource, manifestPath, plannedManifestBytes, type HashingSource, type MediaManifest } from '../formats/manifest/index.js';
import type { TreeDir, TreeFile, TreeNode } from '../formats/tree.js';
import type { ResolvedBootMedia } from '../site/index.js';
import { engineVersion } from '../version.js';
import type { BootMediaTree } from './boot-tree.js';
import type { CreateBootMediaParams } from './request.js';

export type ManifestFacts = Omit<MediaManifest, 'files' | 'schemaVersion' | 'creator'>;

/** A copy of the tree whose files hash themselves, plus the manifest; El Torito references follow their files. */
export function withManifest<T extends BootMediaTree>(tree: T, facts: ManifestFacts): T {
  const files: Array<{ path: string; source: HashingSource; check?: (sha256: string) => void }> = [];
  const renamed = new Map<TreeFile, TreeFile>();
  const copyDir = (dir: TreeDir, prefix: string): TreeDir => ({
    ...dir,
    children: dir.children.map((child): TreeNode => {
      const path = prefix ? `${prefix}\\${child.name}` : child.name;
      if (child.kind === 'dir') return copyDir(child, path);
      const source = hashingSource(child.source);
      const inner = child.source;
      files.push({ path, source, ...(inner.checkSha256 ? { check: (sha256: string) => inner.checkSha256!(sha256) } : {}) });
      const copy: TreeFile = { ...child, source };
      renamed.set(child, copy);
      return copy;
    }),
  });
  const root = copyDir(tree.root, '');
  if (files.some((f) => f.path.toUpperCase() === manifestPath.toUpperCase())) throw new CmTsError('E_UNEXPECTED', `the media tree already has ${manifestPath}`);
  const head = { schemaVersion: 1, creator: 'CmTsMedia', ...facts };
  const listed = files.map((f) => ({ path: f.path, sizeBytes: f.source.sizeBytes }));
  const sizeBytes = plannedManifestBytes({ ...head, files: listed });
  const manifest: TreeFile = {
    kind: 'file',
    name: manifestPath.slice(manifestPath.lastIndexOf('\\') + 1),
    writeLast: true,
    source: {
      sizeBytes,
      origin: manifestPath,
      async *open() {
        const digests = await Promise.all(files.map((f) => f.source.sha256()));
        // A file that knows its hash (a content library's) fails the media here, before they are committed.
        files.forEach((f, i) => f.check?.(digests[i]!));
        const bytes = encodeManifest({ ...head, files: listed.map((f, i) => ({ ...f, sha256: digests[i]! })) });
        if (bytes.length !== sizeBytes) throw new CmTsError('E_UNEXPECTED', `manifest of ${bytes.length} bytes, planned ${sizeBytes}`);
        yield bytes;
      },
    },
  };
  // every other field naming a tree file (biosBoot, uefiBoot) names its hashing copy
  const out: Record<string, unknown> = { ...(tree as object), root: addFile(root, manifestPath.split('\\').slice(0, -1), manifest) };
  for (const [key, value] of Object.entries(out)) {
    const copy = renamed.get(value as TreeFile);
    if (copy) out[key] = copy;
  }
  return out as T;
}

/** `dir` with `file` added under the folders `parts` (created when missing, matched case-insensitively). */
function addFile(dir: TreeDir, parts: readonly string[], file: TreeFile): TreeDir {
  if (parts.length === 0) return { ...dir, children: [...dir.children, file] };
  const [name, ...rest] = parts as [string, ...string[]];
  const index = dir.children.findIndex((c) => c.kind === 'dir' && c.name.toUpperCase() === name.toUpperCase());
  const existing = index >= 0 ? (dir.children[index] as TreeDir) : { kind: 'dir' as const, name, children: [] };
  const updated = addFile(existing, rest, file);
  const children = [...dir.children];
  if (index >= 0) children[index] = updated;
  else children.push(updated);
  return { ...dir, children };
}

/** The facts of a creation that the manifest records: the site, the certificate, the wizard's options. */
export function manifestFacts(params: CreateBootMediaParams, site: ResolvedBootMedia, architecture: string, certificate: { thumbprint: string; notAfter: Date }, label: string, created: Date): ManifestFacts {
  const options: Record<string, string | boolean> = { label, passwordProtected: Boolean(params.mediaPassword), mediaMode: params.mediaMode ?? 'Static' };
  for (const flag of ['allowUnattended', 'allowUnknownMachine', 'noPrompt', 'bootEx'] as const) if (params[flag] === true) options[flag] = true;
  // whether there is a prestart command, not its text: it lives in the (encrypted) variables and may carry secrets
  if (params.prestartCommand) options.prestartCommand = true;
  return {
    creatorVersion: engineVersion,
    created: created.toISOString(),
    mediaType: params.mediaType,
    siteCode: site.siteCode,
    bootImage: { packageId: site.bootImage.packageId, sourceVersion: site.bootImage.sourceVersion, architecture },
    managementPoints: site.mediaManagementPoints.map((mp) => mp.url),
    certificate: { thumbprint: certificate.thumbprint, notAfter: certificate.notAfter.toISOString() },
    options,
  };
}

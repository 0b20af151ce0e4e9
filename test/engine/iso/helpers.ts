/** Shared by the ISO tests: scratch folders, on-disk trees, external readers. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskFileSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { FileSource, TreeDir, TreeFile } from '../../../engine/src/formats/tree.js';

export const bootFixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/boot');
export const fixedTime = new Date(Date.UTC(2024, 4, 17, 12, 34, 56));

export function scratch(prefix = 'cmts-iso-', base = tmpdir()): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(base, prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

export function run(cmd: string, args: string[], options: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Deterministic bytes (xorshift), so a misplaced extent cannot compare equal. */
export function pseudoRandom(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes `files` (path → bytes, or null for an empty folder) under `root`. */
export function writeTree(root: string, files: Record<string, Uint8Array | null>): void {
  for (const [path, bytes] of Object.entries(files)) {
    if (bytes === null) mkdirSync(join(root, path), { recursive: true });
    else {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), bytes);
    }
  }
}

/** Every file (relative path with `/`) and every folder (ending in `/`) under `root`. */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = relative(root, p).split('\\').join('/');
      if (statSync(p).isDirectory()) {
        out.push(rel + '/');
        walk(p);
      } else out.push(rel);
    }
  };
  walk(root);
  return out.sort();
}

/** The media tree of a folder on disk, files from disk. */
export async function treeFromFolder(root: string): Promise<TreeDir> {
  const entries: Array<[string, FileSource | null]> = [];
  for (const rel of listTree(root)) {
    if (rel.endsWith('/')) entries.push([rel, null]);
    else entries.push([rel, await diskFileSource(join(root, rel))]);
  }
  return treeFromPaths(entries, fixedTime);
}

export function findFile(root: TreeDir, path: string): TreeFile {
  let node: TreeDir | TreeFile = root;
  for (const part of path.split('/')) {
    if (node.kind !== 'dir') throw new Error(path);
    const next: TreeDir | TreeFile | undefined = node.children.find((c) => c.name === part);
    if (!next) throw new Error(`${path} not in tree`);
    node = next;
  }
  if (node.kind !== 'file') throw new Error(`${path} is a folder`);
  return node;
}

/** Asserts that `extracted` holds exactly the files and folders of `source`, byte for byte. */
export function compareFolders(source: string, extracted: string): { files: number } {
  const a = listTree(source);
  const b = listTree(extracted);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    const onlyA = a.filter((x) => !b.includes(x));
    const onlyB = b.filter((x) => !a.includes(x));
    throw new Error(`trees differ: only in source ${JSON.stringify(onlyA.slice(0, 8))}, only extracted ${JSON.stringify(onlyB.slice(0, 8))}`);
  }
  let files = 0;
  for (const rel of a) {
    if (rel.endsWith('/')) continue;
    const x = readFileSync(join(source, rel));
    const y = readFileSync(join(extracted, rel));
    if (!x.equals(y)) throw new Error(`${rel} differs (${x.length} vs ${y.length} bytes)`);
    files++;
  }
  return { files };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export { existsSync };

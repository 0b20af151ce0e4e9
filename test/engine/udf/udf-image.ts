/**
 * Test helper: a UDF-only image from a tree, laid out as the bridge image lays out its UDF parts
 * (no ISO 9660 descriptors, so the VRS is at 16): 16 zero sectors, BEA01/NSR02/TEA01 at 16-18, the
 * fixed UDF sectors, the partition at 257 (metadata, then each file's data in tree order), and the
 * closing AVDP in the last sector. The file is sized first (sparse), then written in place.
 */
import { spawnSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import type { TreeDir, TreeFile, TreeNode } from '../../../engine/src/formats/tree.js';
import { UdfPlan, type UdfOptions } from '../../../engine/src/formats/udf/index.js';

export const sectorBytes = 2048;
export const partitionStartLba = 257;

export interface UdfImage {
  plan: UdfPlan;
  volumeSectors: number;
  fileLbas: Map<TreeFile, number>;
}

export function* walkFiles(dir: TreeDir, prefix = ''): Generator<[string, TreeFile]> {
  for (const child of dir.children) {
    if (child.kind === 'file') yield [prefix + child.name, child];
    else yield* walkFiles(child, `${prefix}${child.name}/`);
  }
}

export function* walkNodes(dir: TreeDir, prefix = ''): Generator<[string, TreeNode]> {
  for (const child of dir.children) {
    yield [prefix + child.name, child];
    if (child.kind === 'dir') yield* walkNodes(child, `${prefix}${child.name}/`);
  }
}

/** `writeData(file)` false skips a file's bytes (a sparse > 4 GiB case); they read back as zeros. */
export async function writeUdfImage(root: TreeDir, path: string, options: UdfOptions, writeData: (file: TreeFile) => boolean = () => true): Promise<UdfImage> {
  const plan = new UdfPlan(root, options);
  const fileLbas = new Map<TreeFile, number>();
  let next = partitionStartLba + plan.metadataSectors;
  for (const [, file] of walkFiles(root)) {
    if (file.source.sizeBytes === 0) continue;
    fileLbas.set(file, next);
    next += Math.ceil(file.source.sizeBytes / sectorBytes);
  }
  const volumeSectors = next + 1;
  plan.assign({ partitionStartLba, volumeSectors, fileLba: (file) => fileLbas.get(file)! });

  const handle = await open(path, 'w');
  try {
    await handle.truncate(volumeSectors * sectorBytes);
    for (const { lba, bytes } of plan.fixedSectors(16)) await handle.write(bytes, 0, bytes.length, lba * sectorBytes);
    let position = partitionStartLba * sectorBytes;
    for (const chunk of plan.metadataChunks()) {
      await handle.write(chunk, 0, chunk.length, position);
      position += chunk.length;
    }
    if (position !== (partitionStartLba + plan.metadataSectors) * sectorBytes) throw new Error(`metadata ended at ${position}`);
    for (const [file, lba] of fileLbas) {
      if (!writeData(file)) continue;
      let at = lba * sectorBytes;
      for await (const chunk of file.source.open()) {
        await handle.write(chunk, 0, chunk.length, at);
        at += chunk.length;
      }
      if (at !== lba * sectorBytes + file.source.sizeBytes) throw new Error(`${file.name}: wrote ${at - lba * sectorBytes} bytes`);
    }
  } finally {
    await handle.close();
  }
  return { plan, volumeSectors, fileLbas };
}

export function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, TZ: 'UTC' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

export const haveTool = (command: string): boolean => spawnSync(command, ['--help'], { stdio: 'ignore' }).error === undefined;

/** `7z l -slt -tudf` as path -> size (null for folders). 7z prints paths with "/" on Linux. */
export function sevenZipListing(image: string): Map<string, number | null> {
  return new Map([...sevenZipEntries(image)].map(([path, fields]) => [path, fields.get('Folder') === '+' ? null : Number(fields.get('Size'))]));
}

/** `7z l -slt -tudf` as path -> its fields (Size, Folder, Modified, ...), times in UTC. */
export function sevenZipEntries(image: string): Map<string, Map<string, string>> {
  const out = run('7z', ['l', '-slt', '-tudf', '-sccUTF-8', image]);
  const listing = new Map<string, Map<string, string>>();
  const body = out.slice(out.indexOf('----------\n') + 11);
  for (const block of body.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const eq = line.indexOf(' = ');
      if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 3));
    }
    const path = fields.get('Path');
    if (path !== undefined) listing.set(path, fields);
  }
  return listing;
}

/** `udfinfo` key=value lines. */
export function udfinfo(image: string): Map<string, string> {
  const info = new Map<string, string>();
  for (const line of run('udfinfo', [image]).split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) info.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return info;
}

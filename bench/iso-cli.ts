/**
 * Our ISO writer as a small CLI, so the bench measures its time and peak RSS alone:
 *   node .cache/bench/iso-cli.mjs SOURCE_DIR OUT.iso [BIOS_PATH EFI_PATH]   (boot paths relative to SOURCE_DIR)
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { planIso, writeIso } from '../engine/src/formats/iso/index.js';
import { diskFileSource, treeFromPaths } from '../engine/src/formats/sources.js';
import type { FileSource, TreeDir, TreeFile } from '../engine/src/formats/tree.js';

const [source, out, bios, efi] = process.argv.slice(2);
if (!source || !out) {
  process.stderr.write('usage: iso-cli SOURCE_DIR OUT.iso [BIOS EFI]\n');
  process.exit(2);
}
const entries: Array<[string, FileSource | null]> = [];
const walk = async (dir: string, rel: string): Promise<void> => {
  const names = readdirSync(dir);
  if (names.length === 0 && rel) entries.push([rel + '/', null]);
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) await walk(path, `${rel}${name}/`);
    else entries.push([rel + name, await diskFileSource(path)]);
  }
};
await walk(source, '');
const root = treeFromPaths(entries);
const find = (path: string): TreeFile => {
  let node: TreeDir | TreeFile = root;
  for (const part of path.split('/')) node = (node as TreeDir).children.find((c) => c.name === part)!;
  return node as TreeFile;
};
const plan = planIso(root, { volumeLabel: 'CMTS_BENCH', ...(bios && efi ? { boot: { bios: { file: find(bios) }, uefi: { file: find(efi) } } } : {}) });
await writeIso(plan, out, { force: true });

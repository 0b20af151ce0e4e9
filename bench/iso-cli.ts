/**
 * Our ISO writer as a small CLI, so the bench measures its time and peak RSS alone:
 *   node .cache/bench/iso-cli.cjs SOURCE_DIR OUT.iso [BIOS_PATH EFI_PATH]   (boot paths relative to SOURCE_DIR)
 * Bundled as CommonJS like the shipped engine (build/build.mjs): Node's ESM loader would add its
 * own start-up (an ESM facade per builtin module: 15-30 ms here) that the engine never pays.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { planIso } from '../engine/src/formats/iso/index.js';
import { writeIsoFile } from '../engine/src/media/write-media.js';
import { diskFileSourceSync, treeFromPaths } from '../engine/src/formats/sources.js';
import type { FileSource, TreeDir, TreeFile } from '../engine/src/formats/tree.js';

const [source, out, bios, efi] = process.argv.slice(2);
if (!source || !out) {
  process.stderr.write('usage: iso-cli SOURCE_DIR OUT.iso [BIOS EFI]\n');
  process.exit(2);
}
// one readdir per folder (file types included), then one stat per file
const paths: Array<[string, string | null]> = [];
const walk = (dir: string, rel: string): void => {
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.length === 0 && rel) paths.push([rel + '/', null]);
  for (const entry of entries) {
    if (entry.isDirectory()) walk(join(dir, entry.name), `${rel}${entry.name}/`);
    else paths.push([rel + entry.name, join(dir, entry.name)]);
  }
};
walk(source, '');
const entries = paths.map(([rel, path]): [string, FileSource | null] => [rel, path ? diskFileSourceSync(path) : null]);
const root = treeFromPaths(entries);
const find = (path: string): TreeFile => {
  let node: TreeDir | TreeFile = root;
  for (const part of path.split('/')) node = (node as TreeDir).children.find((c) => c.name === part)!;
  return node as TreeFile;
};
const plan = planIso(root, { volumeLabel: 'CMTS_BENCH', ...(bios && efi ? { boot: { bios: { file: find(bios) }, uefi: { file: find(efi) } } } : {}) });
writeIsoFile(plan, out, { force: true }).catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});

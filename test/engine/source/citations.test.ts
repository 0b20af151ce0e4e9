// Comments and pages cite documents a clone of the repository has (docs/, SECURITY.md, ...), never the
// specification or research notes that were kept outside it (docs/architecture.md, "Small parts").
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FOLDERS = ['engine/src', 'module', 'test', 'build', 'bench', 'docs', 'en-US'];
const EXTENSIONS = /\.(ts|mts|mjs|cjs|js|ps1|psm1|psd1|cs|md|txt|json|sh|py|asm|S)$/;
/** What points outside: the specification by name, the shared folder, and the research notes by file name. */
const OUTSIDE = /\bSPEC\b|\.\.\/shared|\/work\/shared|reference\/[\w-]+\.md|\b(packaging|powershell|cm-media-format|cm-live-site|iso-boot|aesthetics)\.md\b/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path);
    return EXTENSIONS.test(entry.name) ? [path] : [];
  });
}

describe('citations', () => {
  it('cite only documents inside the repository', () => {
    const self = relative(ROOT, import.meta.filename);
    const found: string[] = [];
    for (const folder of FOLDERS) {
      for (const path of files(join(ROOT, folder))) {
        const name = relative(ROOT, path).split('\\').join('/');
        if (name === self.split('\\').join('/')) continue;
        readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
          if (OUTSIDE.test(line)) found.push(`${name}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(found).toEqual([]);
  });
});

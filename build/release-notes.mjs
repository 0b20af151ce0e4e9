// The release notes of one version, from CHANGELOG.md into the built manifest's ReleaseNotes
// (docs/build.md, "Packages"). Node built-ins only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

/** The body of the `## <version>` section of CHANGELOG.md; throws when there is none. */
export function releaseNotes(version, changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')) {
  const lines = changelog.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === `## ${version}`);
  if (start < 0) throw new Error(`CHANGELOG.md has no "## ${version}" section: write the release notes of ${version} first`);
  const end = lines.findIndex((line, i) => i > start && /^## /.test(line));
  const body = lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
  if (!body) throw new Error(`the "## ${version}" section of CHANGELOG.md is empty`);
  // Windows PowerShell 5.1 reads a BOM-less manifest as ANSI: the notes must be ASCII.
  const bad = /[^\x09\x0a\x20-\x7e]/.exec(body);
  if (bad) throw new Error(`the "## ${version}" section of CHANGELOG.md holds U+${bad[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}; keep it ASCII`);
  return body;
}

/** The manifest text with its ReleaseNotes line replaced by `notes` (a single-quoted, multi-line string). */
export function withReleaseNotes(psd1, notes) {
  const pattern = /^(\s*)ReleaseNotes\s*=\s*'(?:[^']|'')*'/m;
  if (!pattern.test(psd1)) throw new Error('CmTsMedia.psd1 has no ReleaseNotes entry to fill');
  return psd1.replace(pattern, (_, indent) => `${indent}ReleaseNotes = '${notes.replaceAll("'", "''")}'`);
}

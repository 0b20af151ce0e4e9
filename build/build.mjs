// `npm run build`: type check → protocol schema (engine/protocol.schema.json) → esbuild bundle → Node SEA blob → single executables → module folder.
//
//   dist/engine.cjs                          the bundle (also runnable as `node dist/engine.cjs`)
//   dist/bin/<target>/cmtsmedia-engine[.exe] one executable per target (Node 22 SEA, unsigned)
//   dist/CmTsMedia/<version>/                the PowerShell module, self-contained
//
// Flags: --skip-win (quick local builds), --darwin (also darwin-arm64: unsigned, needs codesign on a
// Mac), --no-typecheck. No network once .cache/node-bins holds the pinned runtimes (bootstrap.mjs).
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { nodeBins } from './bootstrap.mjs';
import { protocolSchemaText, SCHEMA } from './emit-schema.mjs';
import { releaseNotes, withReleaseNotes } from './release-notes.mjs';
import {
  CACHE, DIST, ROOT, TARGETS, cli, hashFile, nodeBinDir, nodeTarget, packageVersion, run, runAsync, step,
} from './lib.mjs';

// The sentinel Node's SEA code looks for; postject flips its trailing :0 to :1.
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const BUNDLE = join(DIST, 'engine.cjs');
const BLOB = join(DIST, 'engine.blob');
const LINUX_BLOB = join(DIST, 'engine-linux-x64.blob');

function typecheck() {
  step('tsc', 'tsc -p .');
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
}

async function bundle() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(ROOT, 'engine', 'src', 'main.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs', // a SEA's main script is CommonJS on Node 22
    target: 'node22',
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (result.warnings.length) throw new Error('esbuild warnings (see above) must be fixed');
  step('esbuild', `dist/engine.cjs ${statSync(BUNDLE).size} bytes`);
}

/**
 * The SEA blobs. Their layout changes between Node versions (even inside 22.x), so they are generated
 * by the linux-x64 binary of exactly the pinned version, never by the host's node (docs/build.md "What `npm run build` makes").
 * The V8 code cache in a blob is made by that generator and suits only its own platform: linux-x64
 * gets a blob with one (the engine then starts without parsing its bundle, docs/build.md "Start
 * time"); the other targets share a blob without.
 */
function seaBlob(blob, useCodeCache) {
  const config = join(DIST, `${blob === BLOB ? 'sea-config' : 'sea-config-linux-x64'}.json`);
  writeFileSync(config, JSON.stringify({
    main: BUNDLE,
    output: blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache,
    execArgvExtension: 'none', // NODE_OPTIONS must not reach the engine (docs/build.md "What `npm run build` makes")
  }, null, 2));
  run(join(nodeBinDir(TARGETS['linux-x64'].pkg), 'package', 'bin', 'node'), ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  step('sea', `dist/${basename(blob)} ${statSync(blob).size} bytes${useCodeCache ? ' (with a V8 code cache)' : ''}`);
}

/** The blob a target's executable carries. */
const blobFor = (target) => (target === 'linux-x64' ? LINUX_BLOB : BLOB);

/** Prepares a writable copy of the official binary for injection. */
async function baseBinary(target, out) {
  const src = join(nodeBinDir(TARGETS[target].pkg), 'package', TARGETS[target].bin);
  rmSync(out, { force: true }); // osslsigncode refuses to overwrite
  if (target === 'linux-x64') {
    await runAsync('strip', ['-o', out, src]); // 17 MB less; .dynsym stays, so addons still load
  } else if (target === 'win-x64') {
    // Remove the OpenJS Authenticode signature first: injecting into the signed file leaves the
    // security directory pointing into the moved .rsrc (docs/build.md "Signing"). The result is unsigned.
    await runAsync('osslsigncode', ['remove-signature', '-in', src, '-out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  } else {
    copyFileSync(src, out); // postject drops LC_CODE_SIGNATURE; `codesign --sign -` on a Mac afterwards
  }
}

/**
 * Injects the blob into one target. Skipped when the stamp says this blob and this base binary
 * made the executable that is still there (postject takes 4–8 s per target).
 */
async function executable(target) {
  const blob = blobFor(target);
  const blobSha256 = await hashFile(blob);
  const dir = join(DIST, 'bin', target);
  const out = join(dir, TARGETS[target].exe);
  const stampFile = join(CACHE, 'sea', `${target}.json`);
  const want = { blobSha256, base: nodeTarget.packages[TARGETS[target].pkg] };
  if (existsSync(out) && existsSync(stampFile)) {
    const had = JSON.parse(readFileSync(stampFile, 'utf8'));
    const { size, mtimeMs } = statSync(out);
    if (had.blobSha256 === want.blobSha256 && had.base === want.base && had.size === size && had.mtimeMs === mtimeMs) {
      step('postject', `${target}: blob and base unchanged, skipped`);
      return;
    }
  }
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(CACHE, 'sea'), { recursive: true });
  const tmp = `${out}.tmp`;
  await baseBinary(target, tmp);
  const args = [join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js'), tmp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE];
  if (target === 'darwin-arm64') args.push('--macho-segment-name', 'NODE_SEA');
  step('postject', `${target}: injecting`);
  // LIEF warns "Can't find string offset for section name '.note.100'" on the stripped ELF: harmless.
  await runAsync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], dropStderr: /Can't find string offset for section name/ });
  chmodSync(tmp, 0o755);
  renameSync(tmp, out);
  const { size, mtimeMs } = statSync(out);
  writeFileSync(stampFile, JSON.stringify({ ...want, size, mtimeMs }));
  step('postject', `${target}: dist/bin/${target}/${TARGETS[target].exe} ${size} bytes`);
}

/** The ModuleVersion a manifest declares (it must name the version folder for Import-Module). */
function manifestVersion(psd1) {
  const match = /^\s*ModuleVersion\s*=\s*['"]([^'"]+)['"]/m.exec(readFileSync(psd1, 'utf8'));
  if (!match) throw new Error('CmTsMedia.psd1 has no ModuleVersion');
  return match[1];
}

/** dist/CmTsMedia/<version>/: everything the module needs, with paths relative to itself only. */
function moduleFolder(targets) {
  const version = packageVersion();
  const psd1 = join(ROOT, 'CmTsMedia.psd1');
  if (!existsSync(psd1)) throw new Error('CmTsMedia.psd1 is missing: the module cannot be packaged');
  if (manifestVersion(psd1) !== version) throw new Error(`CmTsMedia.psd1 ModuleVersion ${manifestVersion(psd1)} differs from package.json version ${version}`);
  const out = join(DIST, 'CmTsMedia', version);
  rmSync(join(DIST, 'CmTsMedia'), { recursive: true, force: true });
  mkdirSync(join(out, 'data'), { recursive: true });
  writeFileSync(join(out, 'CmTsMedia.psd1'), withReleaseNotes(readFileSync(psd1, 'utf8'), releaseNotes(version)));
  cpSync(join(ROOT, 'module'), join(out, 'module'), { recursive: true });
  // About topics live in <ModuleBase>/<culture>, where Get-Help looks however the module was imported.
  cpSync(join(ROOT, 'en-US'), join(out, 'en-US'), { recursive: true });
  // The module reads data/errors.json in dist and engine/src/errors/errors.json from source.
  copyFileSync(join(ROOT, 'engine', 'src', 'errors', 'errors.json'), join(out, 'data', 'errors.json'));
  for (const name of ['README.md', 'LICENSE', 'CHANGELOG.md']) copyFileSync(join(ROOT, name), join(out, name));
  for (const target of targets) {
    const exe = TARGETS[target].exe;
    mkdirSync(join(out, 'bin', target), { recursive: true });
    copyFileSync(join(DIST, 'bin', target, exe), join(out, 'bin', target, exe));
    chmodSync(join(out, 'bin', target, exe), 0o755);
  }
  step('module', `dist/CmTsMedia/${version} (${targets.join(', ')})`);
}

async function main() {
  const args = new Set(process.argv.slice(2));
  for (const a of args) if (!['--skip-win', '--darwin', '--no-typecheck'].includes(a)) throw new Error(`unknown flag ${a}`);
  const targets = ['linux-x64', ...(args.has('--skip-win') ? [] : ['win-x64']), ...(args.has('--darwin') ? ['darwin-arm64'] : [])];
  // The blob generator is the pinned linux-x64 node, and strip/osslsigncode are Debian tools.
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('the build runs on linux-x64 (Debian 12)');
  const started = Date.now();
  await nodeBins(targets);
  if (!args.has('--no-typecheck')) typecheck();
  writeFileSync(SCHEMA, await protocolSchemaText());
  mkdirSync(DIST, { recursive: true });
  await bundle();
  seaBlob(LINUX_BLOB, true);
  if (targets.some((t) => blobFor(t) === BLOB)) seaBlob(BLOB, false);
  // postject is single-threaded and the machines have two cores: inject the targets side by side.
  const injected = await Promise.allSettled(targets.map((t) => executable(t)));
  for (const r of injected) if (r.status === 'rejected') throw r.reason;
  moduleFolder(targets);
  step('build', `done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

cli(main);

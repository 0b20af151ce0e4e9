// `npm run demo`: bootstrap → build → create the demo boot media with the cmdlet, the module imported
// from dist/CmTsMedia/<version>, and show the result object. Exits non-zero when the cmdlet fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, PWSH, ROOT, cleanEnv, cli, packageVersion, run, step } from './lib.mjs';

async function main() {
  run(process.execPath, [join(ROOT, 'build', 'bootstrap.mjs')]);
  run(process.execPath, [join(ROOT, 'build', 'build.mjs')]);
  const manifest = join(DIST, 'CmTsMedia', packageVersion(), 'CmTsMedia.psd1').replaceAll("'", "''");
  const script = `
    $ErrorActionPreference = 'Stop'
    Import-Module '${manifest}'
    try {
      New-CMBootMedia -Demo -MediaType CD -DestinationPath ./out/demo.iso -Force | Format-List | Out-Host
      Write-Host 'Boot it under SeaBIOS: qemu-system-x86_64 -m 256 -cdrom out/demo.iso -nographic   (quit with Ctrl-A X)'
    } catch {
      Write-Host ('New-CMBootMedia failed: {0}' -f $_.Exception.Message)
      Write-Host ('  {0}  HResult 0x{1:X8}  {2}' -f $_.Exception.GetType().FullName, $_.Exception.HResult, $_.FullyQualifiedErrorId)
      exit 1
    }`;
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  step('demo', 'New-CMBootMedia -Demo -MediaType CD -DestinationPath ./out/demo.iso -Force');
  const env = cleanEnv();
  delete env.CMTSMEDIA_ENGINE; // use the engine shipped in the module folder
  const r = spawnSync(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script], { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT, env });
  if (r.error) throw new Error(`pwsh: ${r.error.message}`);
  return r.status ?? 1;
}

cli(main);

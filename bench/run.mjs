// npm run bench [filter]: runs every bench/cases/*.mjs in name order, each in its own Node process
// (so a case that skips or fails cannot stop the others, and peak memory is per case); each case
// prints its own table. Exits non-zero when a case failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const failed = [];
for (const name of readdirSync(join(here, 'cases')).filter((n) => n.endsWith('.mjs')).sort()) {
  if (only && !name.includes(only)) continue;
  process.stdout.write(`\n=== ${name}\n`);
  const script = `const m = await import(${JSON.stringify(join(here, 'cases', name))}); if (typeof m.default === 'function') await m.default();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  process.stdout.write(`\nbench cases that failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}

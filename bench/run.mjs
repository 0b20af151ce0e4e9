// npm run bench: runs every bench/cases/*.mjs in name order (each prints its own table).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
for (const name of readdirSync(join(here, 'cases')).filter((n) => n.endsWith('.mjs')).sort()) {
  if (only && !name.includes(only)) continue;
  process.stdout.write(`\n=== ${name}\n`);
  const mod = await import(pathToFileURL(join(here, 'cases', name)).href);
  if (typeof mod.default === "function") await mod.default();
}

// Writes engine/protocol.schema.json from the engine's own declarations (engine/src/protocol/schema-file.ts):
// `node build/emit-schema.mjs [--check]`; --check exits 1 when the committed file differs.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CACHE, ROOT, step } from './lib.mjs';

export const SCHEMA = join(ROOT, 'engine', 'protocol.schema.json');

export async function protocolSchemaText() {
  // Bundled next to the repository's node_modules, so that the external packages resolve.
  const outfile = join(CACHE, 'schema', `schema-file-${process.pid}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'engine', 'src', 'protocol', 'schema-file.ts')],
    bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'error', packages: 'external',
  });
  const module = await import(pathToFileURL(outfile).href);
  rmSync(outfile);
  return `${JSON.stringify(module.protocolSchema(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = await protocolSchemaText();
  if (process.argv.includes('--check')) {
    const same = existsSync(SCHEMA) && readFileSync(SCHEMA, 'utf8') === text;
    if (!same) step('schema', 'engine/protocol.schema.json is stale: run npm run build');
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(SCHEMA, text);
    step('schema', 'engine/protocol.schema.json');
  }
}

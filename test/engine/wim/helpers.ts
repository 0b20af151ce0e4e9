import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileSource } from '../../../engine/src/formats/tree.js';

export const fixtureDir = fileURLToPath(new URL('../../fixtures/wim/', import.meta.url));
export const fixture = (name: string): string => join(fixtureDir, name);

/** Fixtures the reader must extract byte for byte, and their image count. */
export const readable: Record<string, number> = {
  'none.wim': 1, 'xpress.wim': 1, 'lzx.wim': 1, 'lzx-64k.wim': 1, 'lzx-2m.wim': 1, 'integrity.wim': 1, 'two.wim': 2,
};

export const hasWimlib = spawnSync('wimlib-imagex', ['--version']).status === 0;
if (!hasWimlib) process.stderr.write('wimlib-imagex not found (apt-get install wimtools): the comparisons with wimlib are skipped\n');

export function wimlib(args: string[]): Buffer {
  return execFileSync('wimlib-imagex', args, { env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' }, maxBuffer: 64 << 20 });
}

export function scratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `cmts-wim-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function readSource(source: FileSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source.open()) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}


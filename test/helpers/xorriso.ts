/** Reading ISO images back with xorriso, an independent reader. */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** One file of the ISO, extracted into `scratch` and read. */
export function isoFile(iso: string, path: string, scratch: string): Buffer {
  const out = join(scratch, `x-${Math.random().toString(16).slice(2)}`);
  execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', path, out], { stdio: 'ignore' });
  const bytes = readFileSync(out);
  rmSync(out);
  return bytes;
}

/** The paths of every file in the ISO, sorted. */
export function isoFiles(iso: string): string[] {
  return execFileSync('xorriso', ['-indev', iso, '-find', '/', '-type', 'f'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n').filter(Boolean).map((l) => l.replace(/^'|'$/g, '')).sort();
}

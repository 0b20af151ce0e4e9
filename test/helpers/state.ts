import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh per-user state folder for each test of the calling file (CMTSMEDIA_STATE_DIR, which
 * engine/src/system/state-root.ts reads), removed afterwards with the variables named in `alsoUnset`.
 * Returns a function giving the current folder.
 */
export function useTempStateDir(prefix: string, alsoUnset: readonly string[] = []): () => string {
  let state = '';
  beforeEach(() => {
    state = mkdtempSync(join(tmpdir(), prefix));
    process.env.CMTSMEDIA_STATE_DIR = state;
  });
  afterEach(() => {
    delete process.env.CMTSMEDIA_STATE_DIR;
    for (const name of alsoUnset) delete process.env[name];
    rmSync(state, { recursive: true, force: true });
  });
  return () => state;
}

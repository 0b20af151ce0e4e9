/**
 * Golden bytes of the descriptor sectors and the boot catalog of a small fixed-time image
 * (ISO 9660 + Joliet + El Torito; the UDF engineer keeps UDF goldens). To accept a deliberate
 * change: UPDATE_GOLDEN=1 npx vitest run test/engine/iso/golden.test.ts, then review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { planIso } from '../../../engine/src/formats/iso/index.js';
import { writeIsoFile } from '../../../engine/src/media/write-media.js';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import { findFile, fixedTime, pseudoRandom, scratch, sha256 } from './helpers.js';

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const work = scratch();
afterAll(() => work.cleanup());

/** Non-zero 16-byte rows as `offset: hex`, one per line. */
function hexRows(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    if (row.some((b) => b !== 0)) lines.push(`${i.toString(16).padStart(4, '0')}: ${Buffer.from(row).toString('hex').replace(/(..)/g, '$1 ').trim()}`);
  }
  return lines.join('\n') + '\n';
}

async function build(udf: boolean): Promise<Uint8Array> {
  const root = treeFromPaths([
    ['boot/etfsboot.com', bufferSource(pseudoRandom(4096, 1), 'etfsboot.com')],
    ['efi/microsoft/boot/efisys.bin', bufferSource(pseudoRandom(16384, 2), 'efisys.bin')],
    ['README.txt', bufferSource(new TextEncoder().encode('CmTsMedia golden image\n'), 'README.txt')],
    ['empty/', null],
  ], fixedTime);
  const plan = planIso(root, {
    volumeLabel: 'CmTs Golden Ünïcode', timestamp: fixedTime, udf,
    boot: { bios: { file: findFile(root, 'boot/etfsboot.com') }, uefi: { file: findFile(root, 'efi/microsoft/boot/efisys.bin') } },
  });
  const path = join(work.dir, `golden-${udf}.iso`);
  await writeIsoFile(plan, path, { force: true });
  return readFileSync(path);
}

describe('golden descriptor sectors', () => {
  it('PVD, boot record, Joliet SVD, terminator and boot catalog match the committed hex', async () => {
    const image = await build(false);
    const sector = (lba: number): Uint8Array => image.subarray(lba * 2048, (lba + 1) * 2048);
    const catalogLba = new DataView(image.buffer, image.byteOffset).getUint32(17 * 2048 + 71, true);
    const cases = { pvd: sector(16), 'boot-record': sector(17), svd: sector(18), terminator: sector(19), 'boot-catalog': sector(catalogLba) };
    for (const [name, bytes] of Object.entries(cases)) {
      const file = join(goldenDir, `${name}.hex`);
      const text = hexRows(bytes);
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
      expect(existsSync(file), `${file} (run with UPDATE_GOLDEN=1 once)`).toBe(true);
      expect(text, name).toBe(readFileSync(file, 'utf8'));
    }
  });

  it('the same inputs give byte-identical images (with and without UDF)', async () => {
    for (const udf of [false, true]) {
      const a = await build(udf);
      const b = await build(udf);
      expect(sha256(a)).toBe(sha256(b));
    }
  });
});

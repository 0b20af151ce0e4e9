/** SeaBIOS and OVMF boot the image from the project's stand-in boot files (test/fixtures/boot). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planIso } from '../../../engine/src/formats/iso/index.js';
import { writeIsoFile } from '../../../engine/src/media/write-media.js';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { TreeFile } from '../../../engine/src/formats/tree.js';
import { bootIsoBios, bootIsoUefi, qemuUnavailable } from '../../helpers/qemu.js';
import { bootFixtures, findFile, fixedTime, pseudoRandom, scratch } from './helpers.js';

const work = scratch();
afterAll(() => work.cleanup());
const fixture = (name: string): Uint8Array => readFileSync(join(bootFixtures, name));

async function image(name: string, hidden: boolean): Promise<string> {
  const etfsboot = bufferSource(fixture('etfsboot.com'), 'etfsboot.com');
  const efisys = bufferSource(fixture('efisys.bin'), 'efisys.bin');
  const root = treeFromPaths([
    ['bootmgr', bufferSource(pseudoRandom(5000, 1), 'bootmgr')],
    ['sources/boot.wim', bufferSource(pseudoRandom(300_000, 2), 'boot.wim')],
    ...(hidden ? [] : ([['boot/etfsboot.com', etfsboot], ['efi/microsoft/boot/efisys.bin', efisys]] as const)),
  ], fixedTime);
  // hidden: as copype's fwfiles, the El Torito images exist only as extents outside the trees
  const file = (path: string, source: typeof etfsboot): TreeFile => (hidden ? { kind: 'file', name: path, source } : findFile(root, path));
  const plan = planIso(root, { volumeLabel: 'CmTs boot', timestamp: fixedTime, boot: { bios: { file: file('boot/etfsboot.com', etfsboot) }, uefi: { file: file('efi/microsoft/boot/efisys.bin', efisys) } } });
  const path = join(work.dir, name);
  await writeIsoFile(plan, path);
  return path;
}

describe.skipIf(qemuUnavailable('bios') !== undefined)('SeaBIOS CD boot', () => {
  it('boots the BIOS stand-in (boot files in the tree)', async () => {
    const r = await bootIsoBios(await image('bios.iso', false), { timeoutMs: 30_000 });
    expect(r.serial).toContain('CMTS-DEMO-BIOS-OK');
    expect(r.passed).toBe(true);
  });
  it('boots the BIOS stand-in (hidden El Torito images)', async () => {
    const r = await bootIsoBios(await image('bios-hidden.iso', true), { timeoutMs: 30_000 });
    expect(r.passed).toBe(true);
  });
});

describe.skipIf(qemuUnavailable('uefi') !== undefined)('OVMF CD boot', () => {
  it('boots the UEFI stand-in from efisys.bin', async () => {
    const r = await bootIsoUefi(await image('uefi.iso', false), { timeoutMs: 60_000 });
    expect(r.serial).toContain('CMTS-DEMO-UEFI-OK');
    expect(r.passed).toBe(true);
  });
});

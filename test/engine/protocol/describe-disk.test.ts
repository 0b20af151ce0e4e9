/**
 * describeDisk (docs/protocol.md) and the strictly validated `disk` parameter that carries a Windows
 * disk's facts from the module to the engine.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEngine } from './harness.js';

const facts = {
  path: '\\\\.\\PhysicalDrive2',
  sizeBytes: 16_000_000_000,
  type: 'disk',
  removable: false,
  hotplug: false,
  transport: 'usb',
  readOnly: false,
  model: 'SanDisk Ultra',
  systemDisk: false,
  mounted: [],
};

const work = mkdtempSync(join(tmpdir(), 'cmts-describe-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function ask(params: unknown): Promise<Record<string, any>> {
  const engine = startEngine();
  engine.send({ id: 1, command: 'describeDisk', params });
  const reply = await engine.reply(1);
  await engine.end();
  return reply;
}

describe('describeDisk', () => {
  it('describes a Windows disk from the facts the module passes', async () => {
    const { result } = await ask({ destinationPath: '\\\\.\\PhysicalDrive2', disk: facts });
    expect(result).toEqual({
      kind: 'device', path: '\\\\.\\PhysicalDrive2', sizeBytes: 16_000_000_000, model: 'SanDisk Ultra', transport: 'usb', removable: true, exists: true,
      description: '\\\\.\\PhysicalDrive2 (SanDisk Ultra, 14.9 GiB)',
    });
  });

  it('refuses a disk with the typed error a creation would give', async () => {
    expect((await ask({ destinationPath: 'E:', disk: { ...facts, systemDisk: true } })).error).toMatchObject({ code: 'CMTSMEDIA_E_SYSTEMDISK', detail: expect.stringContaining('SanDisk Ultra, 14.9 GiB') });
    expect((await ask({ destinationPath: 'E:', disk: { ...facts, transport: 'sata' } })).error).toMatchObject({ code: 'CMTSMEDIA_E_NOTREMOVABLE' });
    expect((await ask({ destinationPath: 'E:', disk: { ...facts, mounted: ['E:'] } })).error).toMatchObject({ code: 'CMTSMEDIA_E_DISKINUSE', detail: expect.stringContaining('E:') });
    expect((await ask({ destinationPath: '\\\\.\\PhysicalDrive2' })).error).toMatchObject({ code: 'E_INVALIDARG' });
  });

  it('describes image files, and creates nothing', async () => {
    const fresh = join(work, 'new.img');
    expect((await ask({ destinationPath: fresh, imageSizeBytes: 4 * 2 ** 30 })).result).toMatchObject({ kind: 'image', exists: false, description: `a new 4.0 GiB disk image file ${fresh}` });
    expect((await ask({ destinationPath: fresh })).error).toMatchObject({ code: 'E_INVALIDARG', detail: expect.stringContaining('imageSizeBytes') });
    expect(existsSync(fresh)).toBe(false);
    const old = join(work, 'old.img');
    writeFileSync(old, new Uint8Array(1 << 20));
    expect((await ask({ destinationPath: old })).result).toMatchObject({ kind: 'image', exists: true, sizeBytes: 1 << 20, description: `the 1.0 MiB disk image file ${old}` });
  });
});

describe('the disk parameter', () => {
  it('takes exactly the DiskFacts fields with their types', async () => {
    expect((await ask({ destinationPath: 'E:', disk: { ...facts, serial: '1234' } })).error).toMatchObject({ code: 'CMTSMEDIA_E_UNKNOWNPARAMETER', detail: 'disk.serial' });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...facts, sizeBytes: '16000000000' }, 'disk.sizeBytes'],
      [{ ...facts, sizeBytes: -1 }, 'disk.sizeBytes'],
      [{ ...facts, removable: 'true' }, 'disk.removable'],
      [{ ...facts, model: 5 }, 'disk.model'],
      [{ ...facts, mounted: [5] }, 'disk.mounted'],
      [{ ...facts, mounted: 'E:' }, 'disk.mounted'],
      [{ ...facts, path: 'a\u0000b' }, 'disk.path'],
      [Object.fromEntries(Object.entries(facts).filter(([k]) => k !== 'systemDisk')), 'disk.systemDisk'],
    ];
    for (const [disk, name] of cases) {
      expect((await ask({ destinationPath: 'E:', disk })).error, name).toMatchObject({ code: 'E_INVALIDARG', detail: expect.stringContaining(name) });
    }
    expect((await ask({ destinationPath: 'E:', disk: [facts] })).error).toMatchObject({ code: 'E_INVALIDARG', detail: 'parameter disk must be an object' });
    expect((await ask({ destinationPath: 'E:', disk: { ...facts, model: null, transport: null } })).error).toMatchObject({ code: 'CMTSMEDIA_E_NOTREMOVABLE' });
  });

  it('is refused on createBootMedia for anything but UFD+FORMAT', async () => {
    const engine = startEngine();
    engine.send({ id: 1, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: join(work, 'x.iso'), bootImageId: 'PS100005', siteCatalog: join(work, 'none.json'), disk: facts } });
    expect((await engine.reply(1)).error).toMatchObject({ code: 'E_INVALIDARG', detail: expect.stringContaining('UFD+FORMAT') });
    await engine.end();
    expect(existsSync(join(work, 'x.iso'))).toBe(false);
  });
});

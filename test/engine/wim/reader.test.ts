import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CmTsError } from '../../../engine/src/errors/index.js';
import { blobDescriptorTable, headerTable, reshdrTable } from '../../../engine/src/formats/wim/header.js';
import { checkArchitecture, efiBootFileName, WimReader } from '../../../engine/src/formats/wim/index.js';
import { dentryTable, extraStreamTable, securityDataTable } from '../../../engine/src/formats/wim/metadata.js';
import { fixture, fixtureDir, hasWimlib, readable, readSource, scratch, wimlib } from './helpers.js';

const tmp = scratch('reader');
afterAll(() => tmp.cleanup());

async function expectCode(p: Promise<unknown> | (() => unknown), code: string): Promise<CmTsError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CmTsError);
  expect((err as CmTsError).code).toBe(code);
  return err as CmTsError;
}

describe('fixtures', () => {
  it('are the committed bytes (SHA256SUMS from make-fixtures.sh)', () => {
    const sums = readFileSync(fixture('SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums.length).toBe(9);
    for (const line of sums) {
      const [sum, name] = line.split(/\s+\.?\/?/);
      expect(createHash('sha256').update(readFileSync(join(fixtureDir, name!))).digest('hex'), name).toBe(sum);
    }
  });
});

describe('field tables', () => {
  it('have the sizes of wimlib\'s on-disk structures (table() also checks they are contiguous)', () => {
    expect([headerTable, reshdrTable, blobDescriptorTable, dentryTable, extraStreamTable, securityDataTable].map((t) => [t.name, t.sizeBytes])).toEqual([
      ['wim_header_disk', 208], ['wim_reshdr_disk', 24], ['blob_descriptor_disk', 50],
      ['wim_dentry_on_disk', 102], ['wim_extra_stream_entry_on_disk', 38], ['wim_security_data_disk', 8],
    ]);
    const h = headerTable.decode(readFileSync(fixture('two.wim')));
    expect([h.hdr_size, h.wim_version, h.image_count, h.boot_idx, h.chunk_size]).toEqual([208, 0x10d00, 2, 2, 32768]);
  });
});

describe('WimReader.open and info', () => {
  it('reads header and XML', async () => {
    const w = await WimReader.open(fixture('two.wim'));
    try {
      expect(w.info).toMatchObject({ imageCount: 2, bootIndex: 2, compression: 'lzx', chunkSizeBytes: 32768, sizeBytes: readFileSync(fixture('two.wim')).length });
      expect(w.info.images.map((i) => [i.index, i.name, i.architecture, i.version, i.editionId])).toEqual([
        [1, 'Microsoft Windows PE', 'x86', '10.0.26100.1', 'WindowsPE'],
        [2, 'Microsoft Windows Setup', 'x64', '10.0.26100.1', 'WindowsPE'],
      ]);
      expect((await w.image()).info.index).toBe(2); // the boot index
      expect((await w.image(1)).info.index).toBe(1);
    } finally {
      await w.close();
    }
  });

  it.runIf(hasWimlib)('matches wiminfo --header and wiminfo --xml for every fixture', async () => {
    for (const name of [...Object.keys(readable), 'lzms.wim', 'solid.wim']) {
      const w = await WimReader.open(fixture(name));
      await w.close();
      const header = wimlib(['info', fixture(name), '--header']).toString();
      const field = (k: string): string => new RegExp(`^${k}\\s*=\\s*(.*)$`, 'm').exec(header)![1]!.trim();
      expect(w.info.guid.replace(/-/g, ''), name).toBe(guidAsWimlibPrints(field('GUID')));
      expect(w.info.imageCount).toBe(Number(field('Image Count')));
      expect(w.info.bootIndex).toBe(Number(field('Boot Index')));
      expect(w.info.chunkSizeBytes || 0).toBe(w.info.compression === 'none' ? 0 : Number(field('Chunk Size')));
      // parse wiminfo's XML independently
      const xml = wimlib(['info', fixture(name), '--xml']).toString('utf16le');
      const images = [...xml.matchAll(/<IMAGE INDEX="(\d+)">([\s\S]*?)<\/IMAGE>/g)].map(([, index, body]) => {
        const tag = (t: string): string | undefined => new RegExp(`<${t}>([^<]*)</${t}>`).exec(body!)?.[1];
        const arch = tag('ARCH');
        const version = ['MAJOR', 'MINOR', 'BUILD', 'SPBUILD'].map(tag).filter((v) => v !== undefined).join('.');
        return {
          index: Number(index), name: tag('NAME'), totalBytes: Number(tag('TOTALBYTES')), fileCount: Number(tag('FILECOUNT')), dirCount: Number(tag('DIRCOUNT')),
          architecture: arch === undefined ? undefined : ({ 0: 'x86', 9: 'x64', 12: 'arm64' } as Record<string, string>)[arch],
          version: version || undefined,
        };
      });
      expect(w.info.images.map((i) => ({ index: i.index, name: i.name, totalBytes: i.totalBytes, fileCount: i.fileCount, dirCount: i.dirCount, architecture: i.architecture, version: i.version })), name).toEqual(images);
    }
  });
});

/** wimlib prints the 16 GUID bytes in file order; ours is the Windows layout (Data1-3 little-endian). */
function guidAsWimlibPrints(hex: string): string {
  const b = Buffer.from(hex.replace(/^0x/, ''), 'hex');
  const swap = (x: Buffer): string => Buffer.from(x).reverse().toString('hex');
  return swap(b.subarray(0, 4)) + swap(b.subarray(4, 6)) + swap(b.subarray(6, 8)) + b.subarray(8).toString('hex');
}

describe.runIf(hasWimlib)('agreement with wimlib', () => {
  for (const [name, count] of Object.entries(readable)) {
    it(`${name}: listing equals wimdir, every file equals wimapply's`, async () => {
      const w = await WimReader.open(fixture(name));
      try {
        for (let index = 1; index <= count; index++) {
          const image = await w.image(index);
          const ours = image.list('\\', true);
          const theirs = wimlib(['dir', fixture(name), String(index)]).toString().trim().split('\n').filter((l) => l !== '/');
          expect(ours.map((e) => e.path.replace(/\\/g, '/'))).toEqual(theirs);
          const dest = join(tmp.dir, `${name}-${index}`);
          wimlib(['apply', fixture(name), String(index), dest]);
          let files = 0;
          for (const e of ours) {
            if (e.isDirectory) continue;
            const expected = readFileSync(join(dest, e.path.replace(/\\/g, '/')));
            const source = image.source(e.path);
            expect(source.sizeBytes, e.path).toBe(expected.length);
            const got = await readSource(source);
            expect(got.equals(expected), `${name} ${e.path}`).toBe(true);
            files++;
          }
          expect(files).toBe(w.info.images[index - 1]!.fileCount);
        }
      } finally {
        await w.close();
      }
    });
  }
});

describe('lookup, list, source', () => {
  it('finds paths case-insensitively, with or without the leading backslash, with / too', async () => {
    const w = await WimReader.open(fixture('lzx.wim'));
    try {
      const image = await w.image();
      const bootmgr = image.lookup('\\Windows\\Boot\\PCAT\\bootmgr');
      expect(bootmgr).toMatchObject({ path: '\\Windows\\Boot\\PCAT\\bootmgr', isDirectory: false, sizeBytes: 100 * 1024 + 123 });
      expect(bootmgr!.sha1).toMatch(/^[0-9a-f]{40}$/);
      expect(image.lookup('windows\\boot\\pcat\\BOOTMGR')).toEqual(bootmgr);
      expect(image.lookup('/Windows/Boot/PCAT/bootmgr')).toEqual(bootmgr);
      expect(image.lookup('\\Windows\\Boot\\Fonts\\ZEICHENSÄTZE-字体-\u{1F680}.TTF')?.sizeBytes).toBe(1000);
      expect(image.lookup('\\Windows\\System32\\config\\empty.log')).toEqual({ path: '\\Windows\\System32\\config\\empty.log', isDirectory: false, sizeBytes: 0 });
      expect(image.lookup('\\Windows\\Temp')).toMatchObject({ isDirectory: true });
      expect(image.lookup('\\nope')).toBeUndefined();
      expect(image.list('\\Windows\\Boot\\DVD').map((e) => e.path)).toEqual(['\\Windows\\Boot\\DVD\\EFI', '\\Windows\\Boot\\DVD\\PCAT']);
      expect(image.list('\\sms\\deep', true).map((e) => e.path.split('\\').pop())).toEqual(['a', 'b', 'c', 'd', 'nested.txt']);
      expect(image.list('\\Windows\\Temp')).toEqual([]);
      // deduplicated blob: both BCDs stream the same bytes
      const a = await readSource(image.source('\\Windows\\Boot\\DVD\\PCAT\\BCD'));
      expect((await readSource(image.source('\\Windows\\Boot\\DVD\\EFI\\BCD'))).equals(a)).toBe(true);
      expect((await readSource(image.source('\\Windows\\System32\\config\\empty.log'))).length).toBe(0);
      expect(image.source('\\Windows\\Boot\\PCAT\\bootmgr').origin).toBe(`${fixture('lzx.wim')}:\\Windows\\Boot\\PCAT\\bootmgr`);
    } finally {
      await w.close();
    }
  });

  it('gives typed errors for missing files, folders and images', async () => {
    const w = await WimReader.open(fixture('xpress.wim'));
    try {
      const image = await w.image();
      const err = await expectCode(() => image.source('\\Windows\\Boot\\EFI\\missing.efi'), 'CMTSMEDIA_E_WIMNOFILE');
      expect(err.detail).toBe('\\Windows\\Boot\\EFI\\missing.efi');
      await expectCode(() => image.source('\\Windows\\Boot'), 'CMTSMEDIA_E_WIMNOFILE');
      await expectCode(() => image.list('\\nope'), 'CMTSMEDIA_E_WIMNOFILE');
      expect((await expectCode(w.image(2), 'CMTSMEDIA_E_WIMNOIMAGE')).detail).toBe('2');
      await expectCode(w.image(0), 'CMTSMEDIA_E_WIMNOIMAGE');
    } finally {
      await w.close();
    }
  });

  it('cancels a stream through its AbortSignal', async () => {
    const w = await WimReader.open(fixture('lzx-2m.wim'));
    try {
      const source = (await w.image()).source('\\sources\\big.log');
      const ac = new AbortController();
      ac.abort();
      await expectCode(async () => {
        for await (const chunk of source.open(ac.signal)) void chunk;
      }, 'E_CANCELLED');
    } finally {
      await w.close();
    }
  });
});

describe('unsupported and damaged WIMs', () => {
  it('LZMS and solid WIMs open (metadata is readable) but their images are CMTSMEDIA_E_WIMCOMPRESSION', async () => {
    for (const name of ['lzms.wim', 'solid.wim']) {
      const w = await WimReader.open(fixture(name));
      try {
        expect(w.info.images[0]!.architecture).toBe('x64');
        const err = await expectCode(w.image(), 'CMTSMEDIA_E_WIMCOMPRESSION');
        expect(err.message).toMatch(/LZMS/);
        expect(err.message).toMatch(/wimlib-imagex export|Export-WindowsImage/);
      } finally {
        await w.close();
      }
    }
  });

  const patched = (name: string, patch: (b: Buffer) => void): string => {
    const b = readFileSync(fixture(name));
    patch(b);
    const p = join(tmp.dir, `patched-${Math.random().toString(36).slice(2)}.wim`);
    writeFileSync(p, b);
    return p;
  };

  it('split WIMs are CMTSMEDIA_E_WIMCOMPRESSION', async () => {
    const err = await expectCode(WimReader.open(patched('xpress.wim', (b) => b.writeUInt16LE(2, 0x2a))), 'CMTSMEDIA_E_WIMCOMPRESSION');
    expect(err.message).toMatch(/split/);
  });

  it('not a WIM, a missing file, a folder', async () => {
    await expectCode(WimReader.open(fixture('SHA256SUMS')), 'CMTSMEDIA_E_NOTWIM');
    await expectCode(WimReader.open(patched('none.wim', (b) => b.fill(0, 0, 8))), 'CMTSMEDIA_E_NOTWIM');
    const empty = join(tmp.dir, 'empty.wim');
    writeFileSync(empty, '');
    await expectCode(WimReader.open(empty), 'CMTSMEDIA_E_NOTWIM');
    await expectCode(WimReader.open(join(tmp.dir, 'missing.wim')), 'E_FILENOTFOUND');
    await expectCode(WimReader.open(tmp.dir), 'CMTSMEDIA_E_NOTWIM');
  });

  it('truncation is CMTSMEDIA_E_WIMCORRUPT', async () => {
    const b = readFileSync(fixture('lzx.wim'));
    const p = join(tmp.dir, 'truncated.wim');
    for (const size of [100, 208, 4096, b.length - 3000]) {
      writeFileSync(p, b.subarray(0, size));
      await expectCode(WimReader.open(p), 'CMTSMEDIA_E_WIMCORRUPT');
    }
  });

  it('a changed byte in file data is a SHA-1 mismatch', async () => {
    // none.wim stores data raw: change one byte of bootmgr's bytes
    const original = readFileSync(fixture('none.wim'));
    const w = await WimReader.open(fixture('none.wim'));
    const bootmgr = await readSource((await w.image()).source('\\Windows\\Boot\\PCAT\\bootmgr'));
    await w.close();
    const at = original.indexOf(bootmgr.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    const w2 = await WimReader.open(patched('none.wim', (b) => (b[at + 5000] ^= 1)));
    try {
      const err = await expectCode(readSource((await w2.image()).source('\\Windows\\Boot\\PCAT\\bootmgr')), 'CMTSMEDIA_E_WIMCORRUPT');
      expect(err.message).toMatch(/SHA-1/);
    } finally {
      await w2.close();
    }
  });
});

describe('architecture', () => {
  it('checkArchitecture accepts a match and an unknown WIM architecture, rejects a mismatch', () => {
    expect(checkArchitecture({ index: 1, architecture: 'x64' }, 'x64', 'boot.wim')).toBe('x64');
    expect(checkArchitecture({ index: 1 }, 'arm64', 'boot.wim')).toBe('arm64');
    let err: unknown;
    try {
      checkArchitecture({ index: 2, architecture: 'x86' }, 'x64', 'boot.wim');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CmTsError);
    expect((err as CmTsError).code).toBe('CMTSMEDIA_E_ARCHMISMATCH');
    expect((err as CmTsError).message).toMatch(/boot\.wim image 2 is x86, the site catalog says x64/);
  });

  it('efiBootFileName', () => {
    expect(efiBootFileName('x64')).toBe('bootx64.efi');
    expect(efiBootFileName('x86')).toBe('bootia32.efi');
    expect(efiBootFileName('arm64')).toBe('bootaa64.efi');
  });
});

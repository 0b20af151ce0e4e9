/**
 * checkBootMedia (-WhatIf / -Confirm): every check of a creation that writes nothing, with the same
 * typed errors, and no byte, operation or lock left behind.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBootMedia, createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';

const demoCatalog = resolve('module/Demo/site.json');
const isRoot = process.getuid?.() === 0;
let scratch: string;
let state: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cmts-check-'));
  state = join(scratch, 'state');
  process.env.CMTSMEDIA_STATE_DIR = state;
});
afterAll(() => {
  delete process.env.CMTSMEDIA_STATE_DIR;
  rmSync(scratch, { recursive: true, force: true });
});

const context = (): RequestContext => ({ id: 1, signal: new AbortController().signal, event: () => undefined });
const params = (destinationPath: string, extra: Partial<CreateBootMediaParams> = {}): CreateBootMediaParams =>
  ({ mediaType: 'CD', destinationPath, bootImageId: 'PS100005', siteCatalog: demoCatalog, ...extra }) as CreateBootMediaParams;
const operations = () => (existsSync(join(state, 'operations')) ? readdirSync(join(state, 'operations')) : []);

describe('checkBootMedia', () => {
  it('reports what the creation would make, and writes nothing: no file, no operation, no lock', async () => {
    const iso = join(scratch, 'whatif.iso');
    const check = await checkBootMedia(params(iso), context());
    expect(check).toMatchObject({ mediaType: 'CD', destinationPath: iso, bootImageId: 'PS100005', firmware: ['BIOS', 'UEFI'], mediaLabel: 'Configuration Manager', erases: false });
    expect(check.sizeBytes).toBeGreaterThan(100_000);
    expect(existsSync(iso)).toBe(false);
    expect(operations()).toEqual([]);
    expect(existsSync(join(state, 'locks')) ? readdirSync(join(state, 'locks')) : []).toEqual([]);
    // The size it reports is the size the creation writes.
    const created = await createBootMedia(params(iso), context());
    expect(created.bytesWritten).toBe(check.sizeBytes);
    rmSync(iso);
  });

  it('fails as the creation would: MISSINGPACKAGE, FILEEXISTS, CERTPASSWORD, a missing folder', async () => {
    const iso = join(scratch, 'fail.iso');
    const before = operations();
    await expect(checkBootMedia(params(iso, { bootImageId: 'PS100099' }), context())).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_MISSINGPACKAGE', detail: 'PS100099' });
    writeFileSync(iso, 'keep');
    await expect(checkBootMedia(params(iso), context())).rejects.toMatchObject({ code: 'E_FILEEXISTS', detail: iso });
    expect((await checkBootMedia(params(iso, { force: true }), context())).sizeBytes).toBeGreaterThan(0);
    rmSync(iso);
    await expect(checkBootMedia(params(iso, { certificatePath: resolve('test/fixtures/site/client-openssl3.pfx'), certificatePassword: 'wrong' }), context()))
      .rejects.toMatchObject({ code: 'CREATETSMEDIA_E_CERTPASSWORD' });
    await expect(checkBootMedia(params(join(scratch, 'no/such/folder/x.iso')), context())).rejects.toMatchObject({ code: 'E_PATHNOTFOUND' });
    expect(operations()).toEqual(before);
  });

  it('UFD+FORMAT: names a new image file, erases nothing, and refuses one too small with PACKAGETOOLARGE', async () => {
    const img = join(scratch, 'new.img');
    const check = await checkBootMedia(params(img, { mediaType: 'UFD+FORMAT', imageSizeBytes: 64 * 2 ** 20 }), context());
    expect(check).toMatchObject({ erases: false, sizeBytes: 64 * 2 ** 20, destination: `a new 64.0 MiB disk image file ${img}` });
    await expect(checkBootMedia(params(img, { mediaType: 'UFD+FORMAT', imageSizeBytes: 2 * 2 ** 20 }), context())).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_PACKAGETOOLARGE', detail: 'PS100005' });
    expect(existsSync(img)).toBe(false);
  });

  it.skipIf(!isRoot || spawnSync('which', ['mount']).status !== 0)('CD: a folder without room for the ISO is PACKAGETOOLARGE', async () => {
    const small = join(scratch, 'small');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
    try {
      await expect(checkBootMedia(params(join(small, 'x.iso')), context())).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_PACKAGETOOLARGE', detail: 'PS100005' });
      expect(readdirSync(small)).toEqual([]);
    } finally {
      execFileSync('umount', [small]);
    }
  });
});

// Issue 15 items 4 and 2 (SECURITY.md "Files", "Volumes"): new media and disk images are 0600
// (they carry the media certificate's private key), -Force keeps the replaced file's mode and
// owner; a destination that is one of the inputs is refused before anything is written; a UFD
// undo journal is replayed only onto the volume it was written on.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSiteScratch } from '../../helpers/demo-site.js';
import { rejectionOf } from '../../helpers/errors.js';
import { createBootMedia, type CreateBootMediaParams } from '../../../engine/src/media/create-boot-media.js';
import { Operation, readOperation, sweepOperations } from '../../../engine/src/ops/operations.js';
import type { RequestContext } from '../../../engine/src/protocol/server.js';
import { volumeSerial } from '../../../engine/src/usb/identity.js';

const isRoot = process.getuid?.() === 0;
const scratchPaths = demoSiteScratch('cmts-test-');

const context = (): RequestContext => ({ id: 1, signal: new AbortController().signal, event: () => undefined });
const create = (extra: Partial<CreateBootMediaParams>) =>
  createBootMedia({ mediaType: 'CD', destinationPath: join(scratchPaths.dir, 'x.iso'), bootImageId: 'PS100005', siteCatalog: join(scratchPaths.site, 'site.json'), ...extra } as CreateBootMediaParams, context());
const wim = () => join(scratchPaths.site, 'content', 'dp01', 'PS100005', 'boot.PS100005.wim');

describe('file modes', () => {
  it('creates a CD image and a disk image readable by the owner only (0600)', async () => {
    const iso = join(scratchPaths.dir, 'new.iso');
    await create({ destinationPath: iso });
    expect(statSync(iso).mode & 0o777).toBe(0o600);
    const img = join(scratchPaths.dir, 'new.img');
    await create({ mediaType: 'UFD+FORMAT', destinationPath: img, imageSizeBytes: 64 * 2 ** 20 });
    expect(statSync(img).mode & 0o777).toBe(0o600);
  });

  it.runIf(isRoot)('-Force keeps the replaced file\'s mode and owner', async () => {
    const iso = join(scratchPaths.dir, 'replaced.iso');
    writeFileSync(iso, 'old media');
    chownSync(iso, 65534, 65534);
    chmodSync(iso, 0o640);
    await create({ destinationPath: iso, force: true });
    const info = statSync(iso);
    expect(info.size).toBeGreaterThan(1 << 20);
    expect({ mode: info.mode & 0o7777, uid: info.uid, gid: info.gid }).toEqual({ mode: 0o640, uid: 65534, gid: 65534 });
  });
});

describe('a destination that is an input', () => {
  it('is refused with E_INVALIDARG before anything is written: the boot image, a hard link to the catalog, a symlink to the PFX', async () => {
    const before = readFileSync(wim());
    let err = await rejectionOf(create({ destinationPath: wim(), force: true }));
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toBe(`destinationPath ${wim()} is the same file as the boot image ${wim()}; the media would overwrite what they are made from. Choose another destination`);
    expect(readFileSync(wim()).equals(before)).toBe(true);

    const linked = join(scratchPaths.dir, 'catalog-link.iso');
    linkSync(join(scratchPaths.site, 'site.json'), linked);
    err = await rejectionOf(create({ destinationPath: linked, force: true }));
    expect(err.detail).toContain(`is the same file as the site catalog (siteCatalog) ${join(scratchPaths.site, 'site.json')}`);

    const pfx = join(scratchPaths.dir, 'media.pfx');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(scratchPaths.dir, 'k.pem'), '-out', join(scratchPaths.dir, 'c.pem'), '-days', '30', '-subj', '/CN=t'], { stdio: 'ignore' });
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(scratchPaths.dir, 'k.pem'), '-in', join(scratchPaths.dir, 'c.pem'), '-passout', 'pass:p', '-out', pfx], { stdio: 'ignore' });
    const pointer = join(scratchPaths.dir, 'pfx-link.iso');
    symlinkSync(pfx, pointer);
    err = await rejectionOf(create({ destinationPath: pointer, force: true, certificatePath: pfx, certificatePassword: 'p' }));
    expect(err.detail).toContain(`is the same file as the PFX (certificatePath) ${pfx}`);
    expect(readFileSync(pfx).subarray(0, 1)[0]).toBe(0x30);
    expect(statSync(pointer).ino).toBe(statSync(pfx).ino);
  });
});

describe('a destination in or from the prestart folder', () => {
  // Its files go onto the media: a destination inside it (also through a symlinked folder, or with
  // the folder named through a symlink) or one of its files (a hard link or a symlink to it) is
  // refused before anything is written (output/inputs.ts).
  it('is refused with E_INVALIDARG, and the folder and the destination are left as they were', async () => {
    const prestart = join(scratchPaths.dir, 'prestart');
    const setup = join(prestart, 'tools', 'setup.cmd');
    mkdirSync(join(prestart, 'tools'), { recursive: true });
    writeFileSync(setup, '@echo off\r\n');
    const what = `the prestart folder (prestartFolder) ${prestart}`;
    const attempt = (destinationPath: string, prestartFolder = prestart) =>
      rejectionOf(create({ destinationPath, force: true, prestartCommand: 'tools\\setup.cmd', prestartFolder }));

    const inside = join(prestart, 'media.iso');
    let err = await attempt(inside);
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toBe(`destinationPath ${inside} lies in ${what}, whose files go onto the media; choose a destination outside it`);

    const door = join(scratchPaths.dir, 'door-to-tools');
    symlinkSync(join(prestart, 'tools'), door);
    err = await attempt(join(door, 'media.iso'));
    expect(err.detail).toBe(`destinationPath ${join(door, 'media.iso')} lies in ${what}, whose files go onto the media; choose a destination outside it`);

    const named = join(scratchPaths.dir, 'prestart-by-link');
    symlinkSync(prestart, named);
    err = await attempt(inside, named);
    expect(err.detail).toBe(`destinationPath ${inside} lies in the prestart folder (prestartFolder) ${named}, whose files go onto the media; choose a destination outside it`);

    const hard = join(scratchPaths.dir, 'setup-hard-link.iso');
    linkSync(setup, hard);
    err = await attempt(hard);
    expect(err.code).toBe('E_INVALIDARG');
    expect(err.detail).toBe(`destinationPath ${hard} is the same file as ${setup} in ${what}, whose files go onto the media; choose another destination`);

    const soft = join(scratchPaths.dir, 'setup-symlink.iso');
    symlinkSync(setup, soft);
    err = await attempt(soft);
    expect(err.detail).toBe(`destinationPath ${soft} is the same file as ${setup} in ${what}, whose files go onto the media; choose another destination`);

    expect(readdirSync(prestart, { recursive: true }).sort()).toEqual(['tools', join('tools', 'setup.cmd')]);
    expect(readFileSync(hard, 'utf8')).toBe('@echo off\r\n');
    expect(statSync(hard).ino).toBe(statSync(setup).ino);
    expect(readdirSync(scratchPaths.dir).filter((name) => name.endsWith('.cmtsmedia-tmp'))).toEqual([]);
  });

  it('is created when it lies beside the prestart folder (the control)', async () => {
    const prestart = join(scratchPaths.dir, 'prestart-ok');
    mkdirSync(prestart);
    writeFileSync(join(prestart, 'setup.cmd'), '@echo off\r\n');
    const iso = join(scratchPaths.dir, 'beside-prestart.iso');
    const result = await create({ destinationPath: iso, prestartCommand: 'setup.cmd', prestartFolder: prestart });
    expect(result.destinationPath).toBe(iso);
    expect(statSync(iso).size).toBe(result.bytesWritten);
  });
});

describe('a UFD journal and its volume (usb/identity.ts)', () => {
  it('reads the volume serial of a FAT32 file system as blkid does', () => {
    const img = join(scratchPaths.dir, 'serial.img');
    execFileSync('truncate', ['-s', '40M', img]);
    execFileSync('mkfs.fat', ['-F', '32', '-i', '1234ABCD', img], { stdio: 'ignore' });
    const head = new Uint8Array(readFileSync(img).subarray(0, 2048));
    expect(execFileSync('blkid', ['-p', '-o', 'value', '-s', 'UUID', img], { encoding: 'utf8' }).trim()).toBe('1234-ABCD');
    expect(volumeSerial(head)).toBe('FAT32:cdab3412'); // BS_VolID little-endian at byte 67
  });

  it('is replayed only onto the volume it was written on', () => {
    const mount = join(scratchPaths.dir, 'usb');
    mkdirSync(join(mount, 'boot'), { recursive: true });
    const moved = join(mount, 'boot', 'BCD');
    writeFileSync(moved, 'media BCD');
    const op = new Operation({ mediaType: 'UFD', destinationPath: mount, bootImageId: 'PS100005' });
    op.onVolume('FAT32:cdab3412');
    op.add([{ remove: moved }]);
    const file = join(scratchPaths.dir, 'state', 'operations', `${op.id}.json`);
    op.succeed(0); // stops the heartbeat; the record is then made that of a killed run
    const record = JSON.parse(readFileSync(file, 'utf8'));
    const dead = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(file, JSON.stringify({ ...record, state: 'Running', endedAt: null, pid: Number(dead), undo: [{ remove: moved }] }), { mode: 0o600 });
    const warnings: string[] = [];
    sweepOperations((w) => warnings.push(w), Date.now(), () => 'FAT32:0badf00d');
    expect(readFileSync(moved, 'utf8')).toBe('media BCD');
    expect(readOperation(op.id).state).toBe('Interrupted');
    expect(warnings).toEqual([`Operation ${op.id} was interrupted while it wrote to the volume FAT32:cdab3412 at ${mount}; the volume there now is FAT32:0badf00d, so its cleanup waits until that volume is mounted there again.`]);
    sweepOperations(() => undefined, Date.now(), () => 'FAT32:cdab3412');
    expect(existsSync(moved)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).undo).toEqual([]);
  });
});

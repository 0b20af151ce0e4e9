import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createMediaCertificate, exportPfx } from '../../../engine/src/certs/index.js';
import { buildMediaVariables, decodeVariablesDat, encodeVariablesDat, mediaPfxPassword, newMediaGuid } from '../../../engine/src/formats/mediavars/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'cmts-bootvars-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('Variables.dat of boot media: decrypts with the media password, and _SMSTSMediaPFX opens with openssl under the GUID rule', async () => {
  const mediaGuid = newMediaGuid();
  const cert = await createMediaCertificate({ now: new Date() });
  const pfx = exportPfx(cert, mediaPfxPassword(mediaGuid));
  const dat = encodeVariablesDat(
    buildMediaVariables({
      mediaGuid,
      mediaPfx: pfx.pfx,
      managementPointUrls: ['http://MP01.contoso.com'],
      mediaMode: 'Static',
      iisSslState: 0,
      siteCode: 'PS1',
      bootImagePackageId: 'PS100005',
      launchMode: 'CD',
      httpPort: 80,
      httpsPort: 443,
      userVariables: { SMSTSPreferredAdvertID: 'PS120001' },
    }),
    'media-Pa55',
  );
  const vars = decodeVariablesDat(dat, 'media-Pa55');
  expect(vars.get('_SMSMediaGuid')).toBe(mediaGuid);
  expect(vars.get('SMSTSPreferredAdvertID')).toBe('PS120001');
  const hex = vars.get('_SMSTSMediaPFX')!;
  expect(hex).toMatch(/^3082[0-9A-F]+$/);
  const file = join(scratch, 'media.pfx');
  writeFileSync(file, Buffer.from(hex, 'hex'));
  const pem = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${mediaGuid.slice(0, 31)}`, '-nodes'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
  const fingerprint = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha1'], { input: pem, encoding: 'utf8' });
  expect(fingerprint.trim().split('=')[1]!.replace(/:/g, '')).toBe(pfx.thumbprint);
});

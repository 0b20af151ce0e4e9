/**
 * The small text files of boot media: SMS\data\TsmBootstrap.ini and MediaLabel.txt (docs/site-catalog.md,
 * "`SMS\data\TsmBootstrap.ini` and `MediaLabel.txt`"). Both end lines with CRLF. TSMBootstrap reads the INI with
 * GetPrivateProfileString, which takes ANSI, or UTF-16LE when the file starts with a BOM.
 */
import { CmTsError } from '../../errors/index.js';

export const defaultMediaLabel = 'Configuration Manager';

/**
 * ASCII text as ASCII (the same bytes in every ANSI code page and in UTF-8); anything else as
 * UTF-16LE with a BOM, the one encoding Windows' INI and text readers take without guessing a code page.
 */
function windowsText(text: string): Uint8Array {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return new Uint8Array(Buffer.from(text, 'latin1'));
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}

export interface TsmBootstrapOptions {
  /** True when the media has a password; false means Variables.dat uses the default key. */
  readonly passwordRequired: boolean;
  /** "Allow unattended operating system deployment"; default false. */
  readonly unattended?: boolean;
}

/** The names TsmBootstrap.ini and MediaLabel.txt use; the readers (readback.ts) take the same. */
export const tsmBootstrapNames = { section: 'MediaInfo', mediaType: 'MediaType', passwordRequired: 'PasswordRequired', unattended: 'Unattended', bootMedia: 'BootMedia' } as const;
export const mediaLabelKey = 'label';

/** `[MediaInfo]` with MediaType=BootMedia and lowercase true/false (reference §4). */
export function encodeTsmBootstrapIni(options: TsmBootstrapOptions): Uint8Array {
  const n = tsmBootstrapNames;
  const lines = [`[${n.section}]`, `${n.mediaType}=${n.bootMedia}`, `${n.passwordRequired}=${options.passwordRequired}`, `${n.unattended}=${options.unattended ?? false}`];
  return windowsText(lines.map((line) => `${line}\r\n`).join(''));
}

/** `label=<media label>` (reference §1.1, from 1902). A label with a line break or a control character is E_INVALIDARG. */
export function encodeMediaLabel(label: string = defaultMediaLabel): Uint8Array {
  if (/\p{Cc}/u.test(label)) throw new CmTsError('E_INVALIDARG', 'MediaLabel must not contain line breaks or control characters');
  return windowsText(`${mediaLabelKey}=${label}\r\n`);
}

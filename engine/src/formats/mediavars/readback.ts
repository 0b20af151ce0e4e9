/**
 * Readers of the small text files of boot media (the writers are textFiles.ts): TsmBootstrap.ini
 * and MediaLabel.txt, in either encoding the writers use (ASCII, or UTF-16LE with a BOM), and the
 * media variables of Variables.dat with the password check spelled out for Test-CMBootMedia.
 */
import { isCmTsError } from '../../errors/index.js';
import { mediaLabelKey, tsmBootstrapNames as names } from './textFiles.js';
import { decodeVariablesDat } from './variablesDat.js';

/** ANSI/ASCII, or UTF-16LE when the file starts with the BOM FF FE (as GetPrivateProfileString reads it). */
export function decodeWindowsText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return Buffer.from(bytes.buffer, bytes.byteOffset + 2, bytes.byteLength - 2).toString('utf16le');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The keys of one INI section (names case-insensitive, upper-cased here); missing section → empty map. */
export function parseIniSection(text: string, section: string): Map<string, string> {
  const values = new Map<string, string>();
  let inside = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inside = line.slice(1, line.indexOf(']')).trim().toUpperCase() === section.toUpperCase();
      continue;
    }
    const eq = line.indexOf('=');
    if (inside && eq > 0 && !line.startsWith(';')) values.set(line.slice(0, eq).trim().toUpperCase(), line.slice(eq + 1).trim());
  }
  return values;
}

export interface TsmBootstrapFacts {
  readonly mediaType: string | undefined;
  readonly passwordRequired: boolean | undefined;
  readonly unattended: boolean | undefined;
}

const flag = (value: string | undefined): boolean | undefined => (value === undefined ? undefined : value.toLowerCase() === 'true');

/** SMS\data\TsmBootstrap.ini `[MediaInfo]` (reference: docs/readback.md). */
export function parseTsmBootstrapIni(bytes: Uint8Array): TsmBootstrapFacts {
  const info = parseIniSection(decodeWindowsText(bytes), names.section);
  const value = (key: string): string | undefined => info.get(key.toUpperCase());
  return { mediaType: value(names.mediaType), passwordRequired: flag(value(names.passwordRequired)), unattended: flag(value(names.unattended)) };
}

/** MediaLabel.txt `label=<media label>`; undefined when the file has no such line. */
export function parseMediaLabel(bytes: Uint8Array): string | undefined {
  const match = new RegExp(`^${mediaLabelKey}=(.*)$`, 'im').exec(decodeWindowsText(bytes));
  return match ? match[1]!.replace(/\r$/, '') : undefined;
}

export type MediaVariablesRead =
  | { readonly status: 'ok'; readonly variables: Map<string, string>; readonly defaultKey: boolean }
  | { readonly status: 'password-needed' }
  | { readonly status: 'wrong-password' };

/**
 * Variables.dat with `password`, or the default key when none is given. A password that does not
 * open it is 'wrong-password' unless the default key does (media without a password). Only a file
 * that is not Variables.dat at all throws (E_INVALIDARG).
 */
export function readMediaVariables(bytes: Uint8Array, password: string | undefined): MediaVariablesRead {
  const attempt = (pw: string | undefined): Map<string, string> | null => {
    try {
      return decodeVariablesDat(bytes, pw);
    } catch (err) {
      if (isCmTsError(err, 'E_INVALIDARG') && err.data?.reason === 'password') return null;
      throw err;
    }
  };
  if (password) {
    const variables = attempt(password);
    if (variables) return { status: 'ok', variables, defaultKey: false };
  }
  const withDefault = attempt(undefined);
  if (withDefault) return { status: 'ok', variables: withDefault, defaultKey: true };
  return password ? { status: 'wrong-password' } : { status: 'password-needed' };
}

/**
 * The WIM's XML data: UTF-16LE with a BOM, flat and element-only (<WIM><TOTALBYTES/><IMAGE INDEX="n">
 * <NAME/><DIRCOUNT/><FILECOUNT/><TOTALBYTES/>...<WINDOWS><ARCH/><VERSION><MAJOR/>...</VERSION>
 * </WINDOWS></IMAGE></WIM>, wimlib src/xml.c). A small tokenizer reads it; nothing here needs a
 * general XML parser.
 */
import { CmTsError } from '../../errors/index.js';
import { parseXml, unescapeXml, type XmlElement } from '../xml.js';

export type WimArchitecture = 'x86' | 'x64' | 'arm64' | 'arm' | 'ia64';

export interface WimImageInfo {
  index: number;
  name?: string;
  /** From <WINDOWS><ARCH>: 0 x86, 9 x64, 12 arm64, 5 arm, 6 ia64 (PROCESSOR_ARCHITECTURE_*). */
  architecture?: WimArchitecture;
  /** MAJOR.MINOR.BUILD.SPBUILD from <WINDOWS><VERSION>. */
  version?: string;
  totalBytes?: number;
  fileCount?: number;
  dirCount?: number;
  displayName?: string;
  /** "WindowsPE" for a boot image. */
  editionId?: string;
}

const architectures: Record<string, WimArchitecture> = { 0: 'x86', 5: 'arm', 6: 'ia64', 9: 'x64', 12: 'arm64' };

type Element = XmlElement;

const corrupt = (path: string, what: string): CmTsError => new CmTsError('CMTSMEDIA_E_WIMCORRUPT', `${path}: XML data: ${what}`);
const unescape = unescapeXml;
const parse = (text: string, path: string): Element => parseXml(text, (what) => corrupt(path, what));

const child = (el: Element | undefined, name: string): Element | undefined => el?.children.find((c) => c.name === name);
const text = (el: Element | undefined, name: string): string | undefined => {
  const c = child(el, name);
  return c ? unescape(c.text).trim() : undefined;
};
const integer = (el: Element | undefined, name: string): number | undefined => {
  const t = text(el, name);
  if (t === undefined || !/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isSafeInteger(v) ? v : undefined;
};

/** Decodes the XML resource bytes (UTF-16LE, optional BOM) into one WimImageInfo per image, by INDEX. */
export function parseWimXml(bytes: Uint8Array, path: string): { totalBytes?: number; images: WimImageInfo[] } {
  if (bytes.length % 2) throw corrupt(path, 'odd byte count for UTF-16');
  let s = new TextDecoder('utf-16le').decode(bytes);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const wim = child(parse(s, path), 'WIM');
  if (!wim) throw corrupt(path, 'no <WIM> element');
  const images = wim.children.filter((c) => c.name === 'IMAGE').map((im): WimImageInfo => {
    const index = Number(im.attrs['INDEX']);
    const windows = child(im, 'WINDOWS');
    const version = child(windows, 'VERSION');
    const parts = ['MAJOR', 'MINOR', 'BUILD', 'SPBUILD'].map((n) => integer(version, n)).filter((v) => v !== undefined);
    const arch = integer(windows, 'ARCH');
    const info: WimImageInfo = { index };
    const set = <K extends keyof WimImageInfo>(key: K, value: WimImageInfo[K] | undefined): void => {
      if (value !== undefined) info[key] = value;
    };
    set('name', text(im, 'NAME'));
    set('architecture', arch === undefined ? undefined : architectures[arch]);
    set('version', parts.length ? parts.join('.') : undefined);
    set('totalBytes', integer(im, 'TOTALBYTES'));
    set('fileCount', integer(im, 'FILECOUNT'));
    set('dirCount', integer(im, 'DIRCOUNT'));
    set('displayName', text(im, 'DISPLAYNAME'));
    set('editionId', text(windows, 'EDITIONID'));
    return info;
  });
  images.sort((a, b) => a.index - b.index);
  images.forEach((im, i) => {
    if (im.index !== i + 1) throw corrupt(path, `images are numbered ${images.map((x) => x.index).join(',')}, expected 1..${images.length}`);
  });
  const totalBytes = integer(wim, 'TOTALBYTES');
  return { ...(totalBytes !== undefined ? { totalBytes } : {}), images };
}

/**
 * The variables boot media carry in Variables.dat (docs/media.md, "Variables", with the source of each).
 */
import { randomBytes } from 'node:crypto';
import { CmTsError } from '../../errors/index.js';

export type LaunchMode = 'CD' | 'UFD' | 'UFD+FORMAT';

export interface BootMediaVariablesInput {
  /** Uppercase, no braces (as console-made media; reference §3, pain point 19). */
  readonly mediaGuid: string;
  /** PKCS#12 of the media certificate under mediaPfxPassword(mediaGuid). */
  readonly mediaPfx: Uint8Array;
  /**
   * The media's management point URLs: static media have one (SMSTSMP), dynamic media all they
   * may ask (SMSTSLocationMPs, `*`-separated).
   */
  readonly managementPointUrls: readonly string[];
  readonly mediaMode: 'Static' | 'Dynamic';
  /** `_SMSTSIISSSLState`: the first media MP's SSLState (0 HTTP, 63 HTTPS). */
  readonly iisSslState: number;
  /** `_SMSTSPublicRootKey`: the hierarchy's trusted root key (hex); absent when the catalog has none. */
  readonly publicRootKey?: string;
  /** -AllowUnknownMachine: the site's unknown-computer GUIDs. */
  readonly unknownMachines?: { readonly x64?: string; readonly x86?: string; readonly arm64?: string };
  /** -PrestartCommand. */
  readonly prestartCommand?: string;
  readonly siteCode: string;
  readonly bootImagePackageId: string;
  /** The SDK MediaType; `_SMSTSLaunchMode` carries it (reference §3). */
  readonly launchMode: LaunchMode;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** DER certificates of the site's trusted root CAs, if it has any. */
  readonly caCertificates?: readonly Uint8Array[];
  /** DER of the site signing certificate, if the site has one. */
  readonly siteSigningCertificate?: Uint8Array;
  /** `-Variable` entries, in the caller's order. */
  readonly userVariables?: Iterable<readonly [string, string]> | Readonly<Record<string, string>>;
}

/** The prestart command's variable: ConfigMgr's name is not public (docs/media.md, "Prestart command"). */
export const prestartCommandVariable = '_SMSTSPreExecCommandLine';

/** Names CmTsMedia sets itself; `-Variable` cannot set them (compared case-insensitively, as the task sequence does). */
export const reservedMediaVariables: readonly string[] = [
  '_SMSMediaGuid',
  '_SMSTSMediaPFX',
  'SMSTSMP',
  'SMSTSLocationMPs',
  '_SMSTSSiteCode',
  '_SMSTSBootMediaPackageID',
  '_SMSTSLaunchMode',
  '_SMSTSHTTPPort',
  '_SMSTSHTTPSPort',
  '_SMSTSMediaType',
  '_SMSTSRootCACerts',
  '_SMSTSSiteSigningCertificate',
  '_SMSTSIISSSLState',
  '_SMSTSPublicRootKey',
  '_SMSTSUseFirstCert',
  '_SMSTSx64UnknownMachineGUID',
  '_SMSTSx86UnknownMachineGUID',
  '_SMSTSarm64UnknownMachineGUID',
  prestartCommandVariable,
];
const reserved = new Set(reservedMediaVariables.map((name) => name.toUpperCase()));

const guidPattern = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

/** A new media GUID (RFC 4122 version 4), uppercase without braces. */
export function newMediaGuid(random: (bytes: number) => Uint8Array = randomBytes): string {
  const b = random(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(b.subarray(0, 16)).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The password of `_SMSTSMediaPFX`: the first 31 characters of `_SMSMediaGuid` (reference §3; checked with openssl in S7). */
export function mediaPfxPassword(mediaGuid: string): string {
  return mediaGuid.slice(0, 31);
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();

/** Ordinal (byte) order of names, uppercase before `_`: the order of the one real listing (docs/media.md). */
const ordinal = (a: readonly [string, string], b: readonly [string, string]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** CmTsMedia's own variables, in ordinal name order (docs/media.md, "Variables"). */
function siteVariables(input: BootMediaVariablesInput): Array<[string, string]> {
  const vars: Array<[string, string]> = [
    ['_SMSMediaGuid', input.mediaGuid],
    ['_SMSTSMediaPFX', hex(input.mediaPfx)],
    input.mediaMode === 'Dynamic' ? ['SMSTSLocationMPs', input.managementPointUrls.join('*')] : ['SMSTSMP', input.managementPointUrls[0]!],
    ['_SMSTSSiteCode', input.siteCode],
    ['_SMSTSBootMediaPackageID', input.bootImagePackageId],
    ['_SMSTSLaunchMode', input.launchMode],
    ['_SMSTSHTTPPort', String(input.httpPort)],
    ['_SMSTSHTTPSPort', String(input.httpsPort)],
    ['_SMSTSIISSSLState', String(input.iisSslState)],
    ['_SMSTSMediaType', 'BootMedia'],
    ['_SMSTSUseFirstCert', '1'],
  ];
  if (input.caCertificates && input.caCertificates.length > 0) vars.push(['_SMSTSRootCACerts', input.caCertificates.map(hex).join('*')]);
  if (input.siteSigningCertificate) vars.push(['_SMSTSSiteSigningCertificate', hex(input.siteSigningCertificate)]);
  if (input.publicRootKey) vars.push(['_SMSTSPublicRootKey', input.publicRootKey]);
  for (const arch of ['x64', 'x86', 'arm64'] as const) {
    const guid = input.unknownMachines?.[arch];
    if (guid) vars.push([`_SMSTS${arch}UnknownMachineGUID`, guid]);
  }
  if (input.prestartCommand) vars.push([prestartCommandVariable, input.prestartCommand]);
  return vars.sort(ordinal);
}

/**
 * The boot-media variable list: CmTsMedia's own variables in ordinal name order, then `-Variable`
 * entries in theirs. `_SMSTSRootCACerts` is the uppercase hex DER of each CA certificate joined by
 * `*` (the separator of ConfigMgr's other media-variable list, SMSTSLocationMPs) and
 * `_SMSTSSiteSigningCertificate` the uppercase hex DER; their exact ConfigMgr format is not public
 * (docs/media.md). A `-Variable` named like a reserved variable, empty, with white space, or given
 * twice is E_INVALIDARG.
 */
export function buildMediaVariables(input: BootMediaVariablesInput): Array<[string, string]> {
  if (!guidPattern.test(input.mediaGuid)) {
    throw new CmTsError('E_INVALIDARG', `media GUID ${input.mediaGuid} is not an uppercase GUID without braces`);
  }
  for (const [name, port] of [['HTTP port', input.httpPort], ['HTTPS port', input.httpsPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CmTsError('E_INVALIDARG', `${name} ${port} is not between 1 and 65535`);
  }
  if (input.managementPointUrls.length === 0) throw new CmTsError('E_INVALIDARG', 'the media have no management point');
  const vars = siteVariables(input);

  const seen = new Set<string>();
  const user = input.userVariables ?? [];
  const entries: Iterable<readonly [string, unknown]> = Symbol.iterator in user ? (user as Iterable<readonly [string, string]>) : Object.entries(user);
  for (const [name, value] of entries) {
    const key = String(name).toUpperCase();
    if (typeof name !== 'string' || name.length === 0 || /[\s\p{Cc}]/u.test(name)) {
      throw new CmTsError('E_INVALIDARG', `Variable name "${String(name)}" must be non-empty and contain no white space or control characters`);
    }
    if (reserved.has(key)) throw new CmTsError('E_INVALIDARG', `Variable ${name} is set by CmTsMedia and cannot be overridden`);
    if (seen.has(key)) throw new CmTsError('E_INVALIDARG', `Variable ${name} is given twice (names are case-insensitive)`);
    if (typeof value !== 'string') throw new CmTsError('E_INVALIDARG', `Variable ${name} must have a string value`);
    seen.add(key);
    vars.push([name, value]);
  }
  return vars;
}

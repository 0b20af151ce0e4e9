/**
 * The site catalog, schema versions 1 and 2 (docs/site-catalog.md): the little of a ConfigMgr
 * site that boot media need. Loading checks the structure only; the SDK's site errors
 * (NODEFAULTMP, NOMPCERTS, ...) come from resolveBootMedia, which reads the files.
 */
import { readSmallFile } from '../system/small-file.js';
import { dirname, resolve as resolvePath } from 'node:path';
import { CmTsError } from '../errors/index.js';

export type Architecture = 'x86' | 'x64' | 'arm64';
export const architectures: readonly Architecture[] = ['x86', 'x64', 'arm64'];

export type Extensions = Readonly<Record<string, unknown>>;

export interface CatalogManagementPoint {
  readonly name: string;
  readonly url: string;
  readonly default: boolean;
  /** Absolute paths of PEM or DER files; empty when the catalog lists none. */
  readonly certificates: readonly string[];
  /** v2: the MP's SSLState capability (MPLIST): 0 HTTP, 63 HTTPS; undefined in v1 catalogs. */
  readonly sslState?: number;
  readonly extensions?: Extensions;
}

/** v2: the GUIDs of the site's "Unknown Computer" objects (MPKEYINFORMATIONMEDIA), unbraced. */
export interface UnknownMachines {
  readonly x64?: string;
  readonly x86?: string;
  readonly arm64?: string;
}

/** A DP has exactly one of contentPath and contentLibrary (docs/live-site.md, "Content library"). */
export interface CatalogDistributionPoint {
  readonly name: string;
  /** Absolute path of the DP's content folder. */
  readonly contentPath?: string;
  /** v2: absolute path of the DP's content library (SCCMContentLib), e.g. \\DP01\SCCMContentLib$. */
  readonly contentLibrary?: string;
  readonly extensions?: Extensions;
}

export interface CatalogBootImage {
  readonly packageId: string;
  readonly name: string;
  readonly architecture: Architecture;
  readonly sourceVersion: number;
  /** As written in the catalog: relative to each DP's contentPath. */
  readonly path: string;
  /** DP names, most preferred first. */
  readonly distributionPoints: readonly string[];
  readonly extensions?: Extensions;
}

export interface SiteCatalog {
  /** Absolute path of the catalog file. */
  readonly path: string;
  readonly schemaVersion: 1 | 2;
  readonly siteCode: string;
  readonly siteName?: string;
  readonly clientPorts: { readonly http: number; readonly https: number };
  readonly managementPoints: readonly CatalogManagementPoint[];
  /** Absolute paths; empty when the catalog lists none. */
  readonly caCertificates: readonly string[];
  /** Absolute path; undefined when the catalog does not set one (CREATETSMEDIA_E_NOSITESIGNCERT on use). */
  readonly siteSigningCertificate?: string;
  readonly distributionPoints: readonly CatalogDistributionPoint[];
  readonly bootImages: readonly CatalogBootImage[];
  /** v2: the hierarchy's trusted root key, uppercase hex (MPKEYINFORMATION TRUSTEDROOTKEY). */
  readonly trustedRootKey?: string;
  /** v2: the unknown-computer GUIDs, for media with -AllowUnknownMachine. */
  readonly unknownMachines?: UnknownMachines;
  readonly extensions?: Extensions;
}

export const defaultClientPorts = { http: 80, https: 443 } as const;

/** A field of the JSON document with its JSONPath, for messages like `$.bootImages[0].path must be a string`. */
class Field {
  constructor(
    readonly value: unknown,
    readonly path: string,
    private readonly catalogPath: string,
    private readonly version: number = 1,
  ) {}

  fail(problem: string): never {
    throw new CmTsError('E_INVALIDARG', `site catalog ${this.catalogPath}: ${this.path} ${problem}`);
  }

  get present(): boolean {
    return this.value !== undefined;
  }

  key(name: string): Field {
    const value = (this.value as Record<string, unknown>)[name];
    const path = /^[A-Za-z_$][\w$]*$/.test(name) ? `${this.path}.${name}` : `${this.path}[${JSON.stringify(name)}]`;
    return new Field(Object.prototype.hasOwnProperty.call(this.value, name) ? value : undefined, path, this.catalogPath, this.version);
  }

  /** An object whose keys are `known` or "extensions" (itself an object of anything). */
  object(known: readonly string[]): Field {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail('must be an object');
    for (const name of Object.keys(this.value)) {
      if (name !== 'extensions' && !known.includes(name)) this.key(name).fail(`is not a field of site catalog schema version ${this.version} (put your own data under "extensions")`);
    }
    return this;
  }

  extensions(): { extensions?: Extensions } {
    const ext = this.key('extensions');
    if (!ext.present) return {};
    if (typeof ext.value !== 'object' || ext.value === null || Array.isArray(ext.value)) ext.fail('must be an object');
    return { extensions: ext.value as Extensions };
  }

  required(): this {
    if (!this.present) this.fail('is required');
    return this;
  }

  string(): string {
    if (typeof this.required().value !== 'string') this.fail('must be a string');
    if ((this.value as string).length === 0) this.fail('must not be empty');
    return this.value as string;
  }

  matching(pattern: RegExp, expected: string): string {
    const text = this.string();
    if (!pattern.test(text)) this.fail(`must be ${expected}, not ${JSON.stringify(text)}`);
    return text;
  }

  integer(min: number, max: number): number {
    const n = this.required().value;
    if (typeof n !== 'number' || !Number.isInteger(n)) this.fail('must be an integer');
    if (n < min || n > max) this.fail(`must be between ${min} and ${max}, not ${n}`);
    return n;
  }

  boolean(): boolean {
    if (typeof this.required().value !== 'boolean') this.fail('must be true or false');
    return this.value as boolean;
  }

  array(): Field[] {
    if (!Array.isArray(this.required().value)) this.fail('must be an array');
    return (this.value as unknown[]).map((item, i) => new Field(item, `${this.path}[${i}]`, this.catalogPath, this.version));
  }
}

/** Catalog paths are relative to its folder; `\` separates too, so a catalog written on Windows works elsewhere. */
function catalogFile(folder: string, relative: string): string {
  return resolvePath(folder, process.platform === 'win32' ? relative : relative.replace(/\\/g, '/'));
}

function decodeText(bytes: Buffer): string {
  // Windows PowerShell 5.1 writes UTF-16LE with a BOM (Out-File), Notepad UTF-8 with a BOM.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

const siteCodePattern = /^[A-Za-z0-9]{3}$/;
const guidPattern = /^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/;
const hexPattern = /^(?:[0-9A-Fa-f]{2})+$/;
/** Fields that schema version 2 adds, by the object that has them. */
const v2Fields = { root: ['trustedRootKey', 'unknownMachines'], managementPoint: ['sslState'] } as const;
const packageIdPattern = /^[A-Za-z0-9]{3}[0-9A-Fa-f]{5}$/;

/**
 * Reads and checks a schema v1 catalog. A missing file is E_FILENOTFOUND (the path as detail); any
 * structural defect (bad JSON, a wrong type, an unknown field, an unknown schemaVersion, a dangling
 * DP reference, a duplicate) is E_INVALIDARG naming the JSON path of the bad field.
 */
export async function loadSiteCatalog(path: string): Promise<SiteCatalog> {
  const catalogPath = resolvePath(path);
  const bytes = await readSmallFile(catalogPath, 'site catalog');
  let json: unknown;
  try {
    json = JSON.parse(decodeText(bytes));
  } catch (err) {
    throw new CmTsError('E_INVALIDARG', `site catalog ${catalogPath}: $ is not valid JSON (${(err as Error).message})`);
  }
  return parseSiteCatalog(json, catalogPath);
}

/** The checks of loadSiteCatalog on an already parsed document; relative paths resolve against `catalogPath`'s folder. */
export function parseSiteCatalog(json: unknown, catalogPath: string): SiteCatalog {
  const folder = dirname(catalogPath);
  const root = new Field(json, '$', catalogPath);
  // The version first: a newer catalog should say so rather than list its new fields as unknown.
  if (typeof json !== 'object' || json === null || Array.isArray(json)) root.fail('must be an object');
  const versionField = root.key('schemaVersion');
  const schemaVersion = versionField.required().value;
  if (schemaVersion !== 1 && schemaVersion !== 2) versionField.fail(`${JSON.stringify(schemaVersion)} is not supported: this CmTsMedia reads schema versions 1 and 2`);
  const v2 = schemaVersion === 2;
  const top = new Field(json, '$', catalogPath, schemaVersion as number);
  return parseFields(top, folder, catalogPath, v2);
}

function parseFields(root: Field, folder: string, catalogPath: string, v2: boolean): SiteCatalog {
  root.object(['schemaVersion', 'siteCode', 'siteName', 'clientPorts', 'managementPoints', 'caCertificates', 'siteSigningCertificate', 'distributionPoints', 'bootImages', ...(v2 ? v2Fields.root : [])]);

  const siteCode = root.key('siteCode').matching(siteCodePattern, 'a three-character site code');
  const siteName = root.key('siteName').present ? root.key('siteName').string() : undefined;

  const clientPorts = parseClientPorts(root.key('clientPorts'));
  const managementPoints = parseManagementPoints(root.key('managementPoints'), folder, v2);
  const ca = root.key('caCertificates');
  const caCertificates = ca.present ? ca.array().map((c) => catalogFile(folder, c.string())) : [];
  const signing = root.key('siteSigningCertificate');
  // null or "" mean "not set", like a missing field: NOSITESIGNCERT when media are made.
  const siteSigningCertificate = signing.present && signing.value !== null && signing.value !== '' ? catalogFile(folder, signing.string()) : undefined;
  const { distributionPoints, dpNames } = parseDistributionPoints(root.key('distributionPoints'), folder, v2);
  const bootImages = parseBootImages(root.key('bootImages'), dpNames);

  const rootKey = root.key('trustedRootKey');
  return {
    path: catalogPath,
    schemaVersion: v2 ? 2 : 1,
    siteCode,
    ...(siteName !== undefined ? { siteName } : {}),
    clientPorts,
    managementPoints,
    caCertificates,
    ...(siteSigningCertificate !== undefined ? { siteSigningCertificate } : {}),
    distributionPoints,
    bootImages,
    ...(rootKey.present ? { trustedRootKey: rootKey.matching(hexPattern, 'hexadecimal text (the TRUSTEDROOTKEY of the MP\'s key information)').toUpperCase() } : {}),
    ...(root.key('unknownMachines').present ? { unknownMachines: parseUnknownMachines(root.key('unknownMachines')) } : {}),
    ...root.extensions(),
  };
}

function parseClientPorts(ports: Field): SiteCatalog['clientPorts'] {
  if (!ports.present) return defaultClientPorts;
  ports.object(['http', 'https']);
  return {
    http: ports.key('http').present ? ports.key('http').integer(1, 65535) : defaultClientPorts.http,
    https: ports.key('https').present ? ports.key('https').integer(1, 65535) : defaultClientPorts.https,
  };
}

/** $.managementPoints: http(s) base addresses, at most one default. */
function parseManagementPoints(field: Field, folder: string, v2: boolean): CatalogManagementPoint[] {
  let defaultMp: Field | undefined;
  return field.array().map((mp): CatalogManagementPoint => {
    mp.object(['name', 'url', 'default', 'certificates', ...(v2 ? v2Fields.managementPoint : [])]);
    const url = mp.key('url').string();
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) {
      mp.key('url').fail(`must be an http:// or https:// URL, not ${JSON.stringify(url)}`);
    }
    // The URL goes into the media as SMSTSMP, the MP's base address: the URL parser would quietly
    // drop a tab or a line break, so the raw text is checked; a path, query or user name has no place.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0020\u007f-\u009f]/.test(url)) mp.key('url').fail(`must not contain spaces or control characters: ${JSON.stringify(url)}`);
    if ((parsed!.pathname !== '/' && parsed!.pathname !== '') || parsed!.search || parsed!.hash || parsed!.username || parsed!.password) {
      mp.key('url').fail(`must be the management point's address alone (scheme, host, optional port), without a path, query or user name: ${JSON.stringify(url)}`);
    }
    const isDefault = mp.key('default').present ? mp.key('default').boolean() : false;
    if (isDefault && defaultMp) mp.key('default').fail(`is true, but ${defaultMp.path} is already the default management point`);
    if (isDefault) defaultMp = mp;
    const certificates = mp.key('certificates');
    return {
      name: mp.key('name').string(),
      url,
      default: isDefault,
      certificates: certificates.present ? certificates.array().map((c) => catalogFile(folder, c.string())) : [],
      ...(mp.key('sslState').present ? { sslState: mp.key('sslState').integer(0, 0xffff) } : {}),
      ...mp.extensions(),
    };
  });
}

/** $.distributionPoints, names unique regardless of case; `dpNames` maps each upper-cased name to its JSON path. */
function parseDistributionPoints(field: Field, folder: string, v2: boolean): { distributionPoints: CatalogDistributionPoint[]; dpNames: Map<string, string> } {
  const dpNames = new Map<string, string>();
  const distributionPoints = field.array().map((dp): CatalogDistributionPoint => {
    dp.object(['name', 'contentPath', ...(v2 ? ['contentLibrary'] : [])]);
    const name = dp.key('name').string();
    const earlier = dpNames.get(name.toUpperCase());
    if (earlier) dp.key('name').fail(`${JSON.stringify(name)} is already the name of ${earlier}`);
    dpNames.set(name.toUpperCase(), dp.path);
    return { name, ...distributionPointContent(dp, folder), ...dp.extensions() };
  });
  return { distributionPoints, dpNames };
}

/** $.bootImages: package IDs unique, each naming distribution points of $.distributionPoints. */
function parseBootImages(field: Field, dpNames: ReadonlyMap<string, string>): CatalogBootImage[] {
  const packageIds = new Map<string, string>();
  return field.array().map((image): CatalogBootImage => {
    image.object(['packageId', 'name', 'architecture', 'sourceVersion', 'path', 'distributionPoints']);
    const packageId = image.key('packageId').matching(packageIdPattern, 'a package ID (site code and five hex digits, e.g. PS100005)');
    const earlier = packageIds.get(packageId.toUpperCase());
    if (earlier) image.key('packageId').fail(`${packageId} is already the package ID of ${earlier}`);
    packageIds.set(packageId.toUpperCase(), image.path);
    const architecture = image.key('architecture').string();
    if (!(architectures as readonly string[]).includes(architecture)) image.key('architecture').fail(`must be one of ${architectures.join(', ')}, not ${JSON.stringify(architecture)}`);
    const dps = image.key('distributionPoints').array().map((ref) => {
      const name = ref.string();
      if (!dpNames.has(name.toUpperCase())) ref.fail(`names ${JSON.stringify(name)}, which is not in $.distributionPoints`);
      return name;
    });
    return {
      packageId,
      name: image.key('name').string(),
      architecture: architecture as Architecture,
      sourceVersion: image.key('sourceVersion').integer(0, 0xffffffff),
      path: image.key('path').string(),
      distributionPoints: dps,
      ...image.extensions(),
    };
  });
}

function parseUnknownMachines(field: Field): UnknownMachines {
  field.object(['x64', 'x86', 'arm64']);
  const out: Record<string, string> = {};
  for (const arch of ['x64', 'x86', 'arm64'] as const) {
    if (field.key(arch).present) out[arch] = field.key(arch).matching(guidPattern, 'a GUID').replace(/[{}]/g, '');
  }
  return out;
}

export interface BootImageListing {
  readonly siteCode: string;
  readonly packageId: string;
  readonly name: string;
  readonly architecture: Architecture;
  readonly sourceVersion: number;
  readonly distributionPoints: readonly string[];
  /** Where the WIM should be on each of its DPs, in the same order (not checked for existence). */
  readonly wimPaths: readonly string[];
}

/** The catalog's boot images for Get-CMBootMediaImage, in catalog order. */
export function listBootImages(catalog: SiteCatalog): BootImageListing[] {
  return catalog.bootImages.map((image) => ({
    siteCode: catalog.siteCode,
    packageId: image.packageId,
    name: image.name,
    architecture: image.architecture,
    sourceVersion: image.sourceVersion,
    distributionPoints: image.distributionPoints,
    wimPaths: image.distributionPoints.map((name) => bootImagePathOn(distributionPoint(catalog, name), image)),
  }));
}

/** A DP by name (case-insensitive, as DNS names); loadSiteCatalog guarantees every reference resolves. */
export function distributionPoint(catalog: SiteCatalog, name: string): CatalogDistributionPoint {
  const dp = catalog.distributionPoints.find((d) => d.name.toUpperCase() === name.toUpperCase());
  if (!dp) throw new CmTsError('E_UNEXPECTED', `distribution point ${name} is not in the site catalog`);
  return dp;
}

/** Where a boot image's file is on a DP: under its contentPath, or its content library's PkgLib entry (resolved by locateBootImage). */
export function bootImagePathOn(dp: CatalogDistributionPoint, image: CatalogBootImage): string {
  if (dp.contentLibrary !== undefined) return catalogFile(dp.contentLibrary, `PkgLib/${image.packageId}.INI`);
  return catalogFile(dp.contentPath!, image.path);
}

/** A DP's content: exactly one of contentPath (a folder) and contentLibrary (schema version 2). */
function distributionPointContent(dp: Field, folder: string): { contentPath: string } | { contentLibrary: string } {
  const path = dp.key('contentPath');
  const library = dp.key('contentLibrary');
  if (path.present && library.present) library.fail('cannot be given with contentPath: a distribution point has one or the other');
  if (library.present) return { contentLibrary: catalogFile(folder, library.string()) };
  if (!path.present) path.fail('is required (or contentLibrary, the DP\'s SCCMContentLib)');
  return { contentPath: catalogFile(folder, path.string()) };
}

export { catalogFile as resolveCatalogPath };

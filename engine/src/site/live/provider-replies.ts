/**
 * The SMS Provider's answers for the site catalog (docs/live-site.md, "SMS Provider"): boot images
 * (SMS_BootImagePackage) and which DPs hold their current version
 * (SMS_PackageStatusDistPointsSummarizer). Both come as the AdminService's OData envelope
 * `{"value": [ {...}, ... ]}`; the module wraps WMI/CIM instances in the same envelope, so one
 * reader serves both. Property names are matched case-insensitively, as WMI matches them.
 */
import { CmTsError } from '../../errors/index.js';

export interface ProviderBootImage {
  readonly packageId: string;
  readonly name: string;
  readonly architecture: string;
  readonly sourceVersion: number;
}

export interface ProviderDistribution {
  readonly packageId: string;
  /** The DP's server name, from the NAL path. */
  readonly server: string;
  /** 0 INSTALLED, 1 INSTALL_PENDING, 2 INSTALL_RETRYING, 3 INSTALL_FAILED, 4-6 removal. */
  readonly state: number;
  readonly sourceVersion: number;
}

type Row = Record<string, unknown>;

/** The rows of one class's reply; a reply that is not the envelope is CMTSMEDIA_E_SITEREPLY. */
export function providerRows(source: string, className: string, text: string | undefined): Row[] {
  const fail = (problem: string): never => {
    throw new CmTsError('CMTSMEDIA_E_SITEREPLY', `${source}/wmi/${className}: ${problem}`);
  };
  if (text === undefined) fail('no reply was given');
  let json: unknown;
  try {
    json = JSON.parse(text!);
  } catch (err) {
    fail(`the JSON is malformed or cut short (${(err as Error).message})`);
  }
  const value = (json as { value?: unknown } | null)?.value;
  if (!Array.isArray(value) || !value.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) fail('the answer has no "value" array of instances');
  return value as Row[];
}

function field(source: string, className: string, row: Row, index: number) {
  const get = (name: string): unknown => {
    const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : row[key];
  };
  const fail = (name: string, what: string): never => {
    throw new CmTsError('CMTSMEDIA_E_SITEREPLY', `${source}/wmi/${className}: instance ${index} ${name} ${what}`);
  };
  return {
    string(name: string): string {
      const v = get(name);
      return typeof v === 'string' && v !== '' ? v : fail(name, 'is missing or not a string');
    },
    integer(name: string): number {
      const v = get(name);
      // WMI's uint32 arrives as a number from the AdminService, as text from some CIM serializers.
      const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
      return typeof n === 'number' && Number.isInteger(n) ? n : fail(name, 'is missing or not an integer');
    },
  };
}

export function readBootImages(source: string, text: string | undefined): ProviderBootImage[] {
  return providerRows(source, 'SMS_BootImagePackage', text).map((row, i) => {
    const f = field(source, 'SMS_BootImagePackage', row, i);
    return { packageId: f.string('PackageID').toUpperCase(), name: f.string('Name'), architecture: f.string('Architecture'), sourceVersion: f.integer('SourceVersion') };
  });
}

/**
 * The server of a NAL path: `["Display=\\DP01.contoso.com\"]MSWNET:["SMS_SITE=PS1"]\\DP01.contoso.com\`
 * ends with the UNC root of the DP; public scripts read the same name from the Display part.
 */
export function serverOfNalPath(nalPath: string): string | undefined {
  const tail = /\\\\([^\\"[\]]+)\\?\s*$/.exec(nalPath);
  if (tail) return tail[1];
  const display = /Display=\\\\([^\\"[\]]+)/i.exec(nalPath);
  return display?.[1];
}

export function readDistributions(source: string, text: string | undefined): ProviderDistribution[] {
  return providerRows(source, 'SMS_PackageStatusDistPointsSummarizer', text).map((row, i) => {
    const f = field(source, 'SMS_PackageStatusDistPointsSummarizer', row, i);
    const nal = f.string('ServerNALPath');
    const server = serverOfNalPath(nal);
    if (!server) throw new CmTsError('CMTSMEDIA_E_SITEREPLY', `${source}/wmi/SMS_PackageStatusDistPointsSummarizer: instance ${i} ServerNALPath ${JSON.stringify(nal)} names no server`);
    return { packageId: f.string('PackageID').toUpperCase(), server, state: f.integer('State'), sourceVersion: f.integer('SourceVersion') };
  });
}

/** SMS_Identification's ThisSiteCode and ThisSiteName, when the module asked for it. */
export function readIdentification(source: string, text: string | undefined): { siteCode?: string; siteName?: string } {
  if (text === undefined) return {};
  const row = providerRows(source, 'SMS_Identification', text)[0];
  if (!row) return {};
  const pick = (name: string): string | undefined => {
    const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
    const v = key === undefined ? undefined : row[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const siteCode = pick('ThisSiteCode');
  const siteName = pick('ThisSiteName');
  return { ...(siteCode ? { siteCode: siteCode.toUpperCase() } : {}), ...(siteName ? { siteName } : {}) };
}

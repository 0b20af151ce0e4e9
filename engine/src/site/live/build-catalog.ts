/**
 * A schema version 2 site catalog from a running site (docs/live-site.md "The catalog that is written"): the management
 * point's anonymous replies and the SMS Provider's, as the module fetched them, become the catalog
 * JSON and its certificate files. The document is checked with the catalog's own parser before
 * anything is written.
 */
import { X509Certificate } from 'node:crypto';
import { CmTsError } from '../../errors/index.js';
import { architectures } from '../catalog.js';
import type { ManagementPointFacts } from './mp-replies.js';
import type { ProviderBootImage, ProviderDistribution } from './provider-replies.js';

export interface CertificateFile {
  /** Relative to the catalog's folder, `/`-separated. */
  readonly relativePath: string;
  readonly der: Uint8Array;
}

export interface BuiltCatalog {
  readonly json: Record<string, unknown>;
  readonly certificates: readonly CertificateFile[];
  readonly warnings: readonly string[];
}

export interface CatalogSources {
  /** The -ManagementPoint URL the replies came from. */
  readonly managementPointUrl: string;
  /** The provider (AdminService URL or WMI namespace path), for the record. */
  readonly provider: string;
  readonly mp: ManagementPointFacts;
  readonly site: { siteCode?: string; siteName?: string };
  readonly bootImages: readonly ProviderBootImage[];
  readonly distributions: readonly ProviderDistribution[];
  /** -ContentLibrary entries: `\\DP\SCCMContentLib$`, `<DP name>=<path>`, or a path when the site has one DP. */
  readonly contentLibraries: readonly string[];
  /** Folder name for the certificate files, relative to the catalog's folder. */
  readonly certificateFolder: string;
  readonly skipCertificateCheck?: boolean;
  readonly platform: NodeJS.Platform;
  readonly now: Date;
}

const thumbprint = (der: Uint8Array): string => new X509Certificate(der).fingerprint.replace(/:/g, '');

/** The MPs as the site lists them; the one that answered is the default (docs/live-site.md, "Which MP is the default"). */
function managementPoints(sources: CatalogSources, certificates: CertificateFile[], warnings: string[]) {
  const listed = sources.mp.managementPoints.filter((m) => !m.siteCode || m.siteCode === sources.mp.siteCode);
  if (listed.length === 0) throw new CmTsError('CMTSMEDIA_E_SITEREPLY', `${sources.managementPointUrl}?MPLIST1&${sources.mp.siteCode}: the site lists no management point`);
  const host = new URL(sources.managementPointUrl).hostname.toLowerCase();
  let chosen = listed.find((m) => m.fqdn === sources.mp.fqdn.toLowerCase()) ?? listed.find((m) => m.fqdn === host);
  if (!chosen) {
    chosen = listed[0]!;
    warnings.push(`The management point that answered (${sources.mp.fqdn}) is not in the site's list; ${chosen.fqdn} is the catalog's default management point and carries its certificate.`);
  }
  const certFile = { relativePath: `${sources.certificateFolder}/mp.${chosen.fqdn}.${thumbprint(sources.mp.certificate)}.cer`, der: sources.mp.certificate };
  certificates.push(certFile);
  return listed.map((m) => ({
    name: m.fqdn,
    url: `${m.sslState === 0 ? 'http' : 'https'}://${m.fqdn}`,
    default: m === chosen,
    ...(m === chosen ? { certificates: [certFile.relativePath] } : {}),
    sslState: m.sslState,
  }));
}

/** Matches a DP name to the site's DP server names: exactly, or a short name against an FQDN. */
function findServer(servers: readonly string[], name: string): string | undefined {
  const upper = name.toUpperCase();
  return servers.find((s) => s.toUpperCase() === upper) ?? servers.find((s) => s.toUpperCase().startsWith(`${upper}.`));
}

/** Each DP's content library: the -ContentLibrary entries, else its SCCMContentLib$ share. */
function contentLibraries(sources: CatalogSources, servers: readonly string[], warnings: string[]): Map<string, string> {
  const libraries = new Map<string, string>();
  for (const entry of sources.contentLibraries) {
    const unc = /^(?:\\\\|\/\/)([^\\/]+)[\\/]/.exec(entry);
    const named = /^([^=\\/]+)=(.+)$/.exec(entry);
    let server: string | undefined;
    let path = entry;
    if (named) [server, path] = [findServer(servers, named[1]!.trim()) ?? named[1]!.trim(), named[2]!.trim()];
    else if (unc) server = findServer(servers, unc[1]!) ?? unc[1]!;
    else if (servers.length === 1) server = servers[0]!;
    else throw new CmTsError('E_INVALIDARG', `ContentLibrary ${entry}: say which distribution point it belongs to, as '<DP name>=${entry}' (the site's boot images are on ${servers.join(', ') || 'no distribution point'})`);
    if (!servers.some((s) => s.toUpperCase() === server!.toUpperCase())) warnings.push(`ContentLibrary ${entry}: ${server} holds none of the site's boot images; it is not in the catalog.`);
    else libraries.set(server!.toUpperCase(), path);
  }
  for (const server of servers) {
    if (libraries.has(server.toUpperCase())) continue;
    libraries.set(server.toUpperCase(), `\\\\${server}\\SCCMContentLib$`);
    if (sources.platform !== 'win32') warnings.push(`Distribution point ${server}: no -ContentLibrary was given, so the catalog names its share \\\\${server}\\SCCMContentLib$, which this system opens only where it is mounted. Mount it and run again with -ContentLibrary '${server}=<mount point>'.`);
  }
  return libraries;
}

/** Boot images with the DPs that hold their current version (State 0 = installed, same SourceVersion). */
function bootImages(sources: CatalogSources, warnings: string[]) {
  const images = [];
  for (const image of sources.bootImages) {
    if (!(architectures as readonly string[]).includes(image.architecture)) {
      warnings.push(`Boot image ${image.packageId} (${image.name}) is for ${image.architecture}, which boot media cannot use; it is not in the catalog.`);
      continue;
    }
    const holders = sources.distributions.filter((d) => d.packageId === image.packageId && d.state === 0 && d.sourceVersion === image.sourceVersion).map((d) => d.server);
    const servers = [...new Map(holders.map((s) => [s.toUpperCase(), s])).values()];
    if (servers.length === 0) warnings.push(`Boot image ${image.packageId} (${image.name}) version ${image.sourceVersion} is on no distribution point: media for it fail with CREATETSMEDIA_E_MISSINGPACKAGE until it is distributed.`);
    images.push({ packageId: image.packageId, name: image.name, architecture: image.architecture, sourceVersion: image.sourceVersion, path: `boot.${image.packageId}.wim`, distributionPoints: servers });
  }
  return images;
}

export function buildSiteCatalog(sources: CatalogSources): BuiltCatalog {
  const warnings: string[] = [];
  const certificates: CertificateFile[] = [];
  const { mp, site } = sources;
  if (site.siteCode && site.siteCode !== mp.siteCode) {
    throw new CmTsError('E_INVALIDARG', `the management point ${sources.managementPointUrl} belongs to site ${mp.siteCode}, the SMS Provider ${sources.provider} to site ${site.siteCode}: give an MP and a provider of the same site`);
  }
  const mps = managementPoints(sources, certificates, warnings);
  const signing = { relativePath: `${sources.certificateFolder}/site-signing.${thumbprint(mp.siteSigningCertificate)}.cer`, der: mp.siteSigningCertificate };
  certificates.push(signing);
  // An HTTPS MP's certificate chains to the site's "SMS Issuing" root (Enhanced HTTP) unless the site uses PKI.
  const https = mps.some((m) => m.default && m.sslState !== 0);
  const roots = https ? mp.issuingRoots.map((der) => ({ relativePath: `${sources.certificateFolder}/sms-issuing.${thumbprint(der)}.cer`, der })) : [];
  certificates.push(...roots);
  if (https) warnings.push(`The default management point uses HTTPS: the catalog lists the site's SMS Issuing root${roots.length === 1 ? '' : 's'} (SMSTRC) as CA certificates. If the site's MPs use PKI certificates, add your root CA's certificate to "caCertificates".`);
  const images = bootImages(sources, warnings);
  const servers = [...new Map(images.flatMap((i) => i.distributionPoints).map((s) => [s.toUpperCase(), s])).values()];
  const libraries = contentLibraries(sources, servers, warnings);
  const json = {
    schemaVersion: 2,
    siteCode: mp.siteCode,
    ...(site.siteName ? { siteName: site.siteName } : {}),
    managementPoints: mps,
    ...(roots.length > 0 ? { caCertificates: roots.map((r) => r.relativePath) } : {}),
    siteSigningCertificate: signing.relativePath,
    trustedRootKey: mp.trustedRootKey,
    ...(Object.keys(mp.unknownMachines).length > 0 ? { unknownMachines: mp.unknownMachines } : {}),
    distributionPoints: servers.map((s) => ({ name: s, contentLibrary: libraries.get(s.toUpperCase())! })),
    bootImages: images,
    extensions: { source: { createdBy: 'New-CMBootMediaSiteCatalog', created: sources.now.toISOString(), managementPoint: sources.managementPointUrl, provider: sources.provider, ...(sources.skipCertificateCheck ? { skipCertificateCheck: true } : {}) } },
  };
  return { json, certificates, warnings };
}

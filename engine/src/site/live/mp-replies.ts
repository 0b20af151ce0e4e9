/**
 * A management point's anonymous `.sms_aut` replies, read for the site catalog (docs/live-site.md,
 * "Management point"): the ones boot media use at boot. Replies are XML without a declaration and
 * binary values are uppercase hex; element and attribute names are matched case-insensitively
 * (tools ask for `/SMS_MP/.sms_aut` and `/sms_mp/.sms_aut` alike). Anything unexpected is
 * CMTSMEDIA_E_SITEREPLY naming the operation and what was wrong.
 */
import { X509Certificate } from 'node:crypto';
import { CmTsError } from '../../errors/index.js';
import { parseXml, unescapeXml, type XmlElement } from '../../formats/xml.js';

export interface ListedManagementPoint {
  /** FQDN as MPLIST gives it (the FQDN attribute; else Name). */
  readonly fqdn: string;
  /** MPLIST's SSLState capability: 0 HTTP, 63 HTTPS. */
  readonly sslState: number;
  readonly siteCode?: string;
}

export interface ManagementPointFacts {
  readonly siteCode: string;
  /** FQDN of the MP that answered MPKEYINFORMATIONMEDIA. */
  readonly fqdn: string;
  readonly trustedRootKey: string;
  /** DER of that MP's certificate (MPCERTIFICATE of the key information, else MPCERT). */
  readonly certificate: Uint8Array;
  readonly siteSigningCertificate: Uint8Array;
  readonly unknownMachines: { x64?: string; x86?: string; arm64?: string };
  readonly managementPoints: readonly ListedManagementPoint[];
  /** The "SMS Issuing" root(s) of SMSTRC; empty when the MP did not answer it. */
  readonly issuingRoots: readonly Uint8Array[];
}

/** A reply with its operation name and where it came from, for messages. */
class Reply {
  readonly root: XmlElement;

  constructor(
    readonly operation: string,
    readonly source: string,
    text: string,
  ) {
    if (/^\s*<(!DOCTYPE\s+)?html/i.test(text)) this.fail('the answer is an HTML page, not a management point reply (is this host a management point?)');
    // A reply cut short (a dropped connection, a proxy's limit) ends inside a tag or text, not with a closing tag.
    if (!/<\/[A-Za-z_][\w.:-]*>\s*$/.test(text)) this.fail(`the reply is cut short after ${Buffer.byteLength(text)} bytes (it does not end with a closing tag)`);
    const doc = parseXml(text, (what) => this.error(`the XML is malformed or cut short (${what})`));
    if (doc.children.length !== 1) this.fail('the answer is not one XML element');
    this.root = doc.children[0]!;
  }

  error(problem: string): CmTsError {
    return new CmTsError('CMTSMEDIA_E_SITEREPLY', `${this.source}?${this.operation}: ${problem}`);
  }

  fail(problem: string): never {
    throw this.error(problem);
  }

  find(parent: XmlElement, name: string): XmlElement | undefined {
    return parent.children.find((c) => c.name.toUpperCase() === name.toUpperCase());
  }

  need(parent: XmlElement, name: string): XmlElement {
    return this.find(parent, name) ?? this.fail(`<${parent.name}> has no <${name}>`);
  }

  text(el: XmlElement): string {
    return unescapeXml(el.text).trim();
  }

  attr(el: XmlElement, name: string): string | undefined {
    const key = Object.keys(el.attrs).find((k) => k.toUpperCase() === name.toUpperCase());
    return key === undefined ? undefined : el.attrs[key];
  }

  hex(el: XmlElement, what: string): string {
    const text = this.text(el).replace(/\s+/g, '');
    if (!/^(?:[0-9A-Fa-f]{2})+$/.test(text)) this.fail(`${what} <${el.name}> is not hexadecimal`);
    return text.toUpperCase();
  }

  certificate(el: XmlElement, what: string): Uint8Array {
    const der = new Uint8Array(Buffer.from(this.hex(el, what), 'hex'));
    try {
      new X509Certificate(der);
    } catch (err) {
      this.fail(`${what} is not an X.509 certificate (${(err as Error).message})`);
    }
    return der;
  }
}

const guidPattern = /^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$/;

/** MPKEYINFORMATIONMEDIA: site code, the answering MP's FQDN and certificate, trusted root key, unknown-computer GUIDs. */
function readKeyInformation(reply: Reply) {
  const root = reply.root;
  const siteCode = reply.text(reply.need(root, 'SITECODE'));
  if (!/^[A-Za-z0-9]{3}$/.test(siteCode)) reply.fail(`<SITECODE> ${JSON.stringify(siteCode)} is not a site code`);
  const fqdn = reply.text(reply.need(root, 'FQDN'));
  if (fqdn === '') reply.fail('<FQDN> is empty');
  const unknownMachines: { x64?: string; x86?: string; arm64?: string } = {};
  const unknown = reply.find(root, 'UnknownMachines');
  for (const arch of ['x64', 'x86', 'arm64'] as const) {
    const value = unknown && reply.attr(unknown, `${arch}UnknownMachineGUID`);
    if (value === undefined || value === '') continue;
    const m = guidPattern.exec(value);
    if (!m) reply.fail(`${arch}UnknownMachineGUID ${JSON.stringify(value)} is not a GUID`);
    unknownMachines[arch] = m[1]!.toUpperCase();
  }
  const certificate = reply.find(root, 'MPCERTIFICATE');
  return {
    siteCode: siteCode.toUpperCase(),
    fqdn,
    trustedRootKey: reply.hex(reply.need(root, 'TRUSTEDROOTKEY'), 'the trusted root key'),
    certificate: certificate && reply.certificate(certificate, 'the management point certificate'),
    unknownMachines,
  };
}

/** MPLIST / MPLIST1&<site>: each <MP> with its FQDN and SSLState. */
function readMpList(reply: Reply): ListedManagementPoint[] {
  if (reply.root.name.toUpperCase() !== 'MPLIST') reply.fail(`the answer is <${reply.root.name}>, not <MPList>`);
  return reply.root.children.filter((c) => c.name.toUpperCase() === 'MP').map((mp) => {
    const fqdn = reply.attr(mp, 'FQDN') ?? (reply.find(mp, 'FQDN') && reply.text(reply.find(mp, 'FQDN')!)) ?? reply.attr(mp, 'Name');
    if (!fqdn) reply.fail('an <MP> has neither FQDN nor Name');
    const property = reply.find(mp, 'Capabilities')?.children.find((p) => reply.attr(p, 'Name')?.toUpperCase() === 'SSLSTATE');
    const sslText = property ? reply.attr(property, 'Value') : '0';
    if (sslText === undefined || !/^\d+$/.test(sslText)) reply.fail(`the SSLState of ${fqdn} is not a number`);
    const siteCode = reply.attr(mp, 'SiteCode');
    return { fqdn: fqdn.toLowerCase(), sslState: Number(sslText), ...(siteCode ? { siteCode: siteCode.toUpperCase() } : {}) };
  });
}

/**
 * Reads the replies the module fetched (operation -> body) from `source` (the MP URL). Needed:
 * MPKEYINFORMATIONMEDIA, SITESIGNCERT, and MPLIST1&<site> or MPLIST; MPCERT when the key
 * information has no MPCERTIFICATE; SMSTRC is optional.
 */
export function readManagementPointReplies(source: string, replies: Readonly<Record<string, string>>): ManagementPointFacts {
  const get = (operation: string): Reply | undefined => {
    const key = Object.keys(replies).find((k) => k.toUpperCase() === operation.toUpperCase());
    return key === undefined ? undefined : new Reply(key, source, replies[key]!);
  };
  const missing = (operation: string): never => {
    throw new CmTsError('CMTSMEDIA_E_SITEREPLY', `${source}?${operation}: no reply was given`);
  };
  const keyInfo = readKeyInformation(get('MPKEYINFORMATIONMEDIA') ?? missing('MPKEYINFORMATIONMEDIA'));
  const list = readMpList(get(`MPLIST1&${keyInfo.siteCode}`) ?? get('MPLIST') ?? missing(`MPLIST1&${keyInfo.siteCode}`));
  const signing = get('SITESIGNCERT') ?? missing('SITESIGNCERT');
  const siteSigningCertificate = signing.certificate(signing.need(signing.root.name.toUpperCase() === 'X509DATA' ? signing.root : signing.fail(`the answer is <${signing.root.name}>, not <X509Data>`), 'X509Certificate'), 'the site signing certificate');
  let certificate = keyInfo.certificate;
  if (!certificate) {
    const mpCert = get('MPCERT') ?? missing('MPCERT');
    certificate = mpCert.certificate(mpCert.root.name.toUpperCase() === 'CERTIFICATE' ? mpCert.root : mpCert.need(mpCert.root, 'Certificate'), 'the management point certificate');
  }
  const trc = get('SMSTRC');
  const issuingRoots = trc ? (trc.find(trc.root, 'Certs')?.children ?? []).map((c) => trc.certificate(c, 'an SMS Issuing certificate')) : [];
  return { ...keyInfo, certificate, siteSigningCertificate, managementPoints: list, issuingRoots };
}

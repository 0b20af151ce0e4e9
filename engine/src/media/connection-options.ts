import { CmTsError } from '../errors/index.js';

const allowed = ['Username', 'Domain', 'Password', 'Local', 'Authority'];

/**
 * The SDK's connection options (docs/live-site.md "ConnectionOptions (S9)"): only Username, Domain, Password, Local and Authority,
 * consistent with each other. They are the SMS Provider connection (New-CMBootMediaSiteCatalog,
 * New-CMBootMedia -Register; docs/live-site.md); making media from a catalog file does not use them,
 * which the returned warning says.
 */
export function checkConnectionOptions(options: Record<string, string> | undefined): string | undefined {
  if (!options || Object.keys(options).length === 0) return undefined;
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(options)) {
    const known = allowed.find((a) => a.toLowerCase() === name.toLowerCase());
    if (!known) throw new CmTsError('CREATETSMEDIA_E_CONNECTIONOPTIONNAME', name);
    byName.set(known, value);
  }
  const local = byName.get('Local');
  if (local !== undefined && !/^(true|false|1|0)$/i.test(local)) throw new CmTsError('CREATETSMEDIA_E_CONNECTIONOPTIONS');
  const authority = byName.get('Authority');
  if (authority !== undefined && !/^(ntlmdomain|kerberos):\S+$/i.test(authority)) throw new CmTsError('CREATETSMEDIA_E_CONNECTIONOPTIONS');
  if (byName.has('Password') && !byName.has('Username')) throw new CmTsError('CREATETSMEDIA_E_CONNECTIONOPTIONS');
  if (/^(true|1)$/i.test(local ?? '') && (byName.has('Username') || byName.has('Password'))) throw new CmTsError('CREATETSMEDIA_E_CONNECTIONOPTIONS');
  return 'Connection options are for the SMS Provider (New-CMBootMediaSiteCatalog, -Register); the media are made from the site catalog file, so they were checked and not used for that.';
}

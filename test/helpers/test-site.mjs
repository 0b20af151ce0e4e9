/**
 * A ConfigMgr site for tests: a management point (HTTP) answering the anonymous `.sms_aut`
 * operations and an AdminService (HTTPS, self-signed) answering `wmi/<Class>` queries and the
 * SubmitRegistrationRecord call, both on 127.0.0.1 at random ports. The bodies are the committed
 * replies of test/fixtures/live-site/replies (shaped like replies captured from a real site;
 * docs/live-site.md, "The test site"). Every request is recorded (passwords never are).
 *
 * From vitest: `const site = await startTestSite({ faults })`, then `site.close()`.
 * From Pester (or any process): `node test/helpers/test-site.mjs [--fault name=value]...` prints one
 * JSON line `{"mp": url, "adminService": url, "requests": url}` and serves until its stdin closes
 * or its lifetime (default 10 minutes) ends; GET <requests url> returns the recorded requests.
 *
 * Faults: mp=timeout (accepts, never answers) | truncated (MPKEYINFORMATIONMEDIA cut in half) |
 * notmp (every operation answers IIS's 404 page); adminService=401 | 403 | timeout | truncated
 * (SMS_BootImagePackage cut in half); register=401 | 403 | 404 (only SubmitRegistrationRecord; 404 as an
 * AdminService that does not offer the method).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'live-site');
/** The account the AdminService accepts (Basic over TLS in the test site; a real one negotiates Kerberos). */
export const testSiteAccount = { userName: 'MAYYHEM\\cmadmin', password: 'Fixture-Admin-Pass1' };
const providerHost = 'ps1-pss.mayyhem.com';

/** IIS's 404 page, as a host that is not an MP answers `.sms_aut` (reference capture). */
const iis404 = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"><html><head><title>404 - File or directory not found.</title></head><body><div id="header"><h1>Server Error</h1></div><div id="content"><h2>404 - File or directory not found.</h2><h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3></div></body></html>';
const iis500 = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"><html><head><title>500 - Internal server error.</title></head><body><div id="header"><h1>Server Error</h1></div><div id="content"><h2>500 - Internal server error.</h2><h3>There is a problem with the resource you are looking for, and it cannot be displayed.</h3></div></body></html>';

function loadReplies() {
  const mp = new Map();
  for (const name of readdirSync(join(fixtures, 'replies', 'mp'))) mp.set(name.replace(/\.xml$/, '').toUpperCase(), readFileSync(join(fixtures, 'replies', 'mp', name), 'utf8'));
  const classes = new Map();
  for (const name of readdirSync(join(fixtures, 'replies', 'adminservice'))) {
    const table = JSON.parse(readFileSync(join(fixtures, 'replies', 'adminservice', name), 'utf8'));
    classes.set(name.replace(/\.json$/, '').toUpperCase(), { name: name.replace(/\.json$/, ''), rows: table.value });
  }
  return { mp, classes };
}

/** `Name eq 'text'` / `Name eq 3` clauses joined by `and`: the OData subset the module sends. */
function matchesFilter(row, filter) {
  if (!filter) return true;
  return filter.split(/\s+and\s+/i).every((clause) => {
    const m = /^\s*(\w+)\s+eq\s+(?:'((?:[^']|'')*)'|(-?\d+)|(true|false))\s*$/i.exec(clause);
    if (!m) throw new Error(`unsupported $filter clause: ${clause}`);
    const key = Object.keys(row).find((k) => k.toLowerCase() === m[1].toLowerCase());
    if (key === undefined) return false;
    if (m[2] !== undefined) return String(row[key]).toLowerCase() === m[2].replace(/''/g, "'").toLowerCase();
    if (m[3] !== undefined) return row[key] === Number(m[3]);
    return row[key] === (m[4].toLowerCase() === 'true');
  });
}

function selectFields(row, select) {
  if (!select) return row;
  const wanted = select.split(',').map((s) => s.trim().toLowerCase());
  return Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith('@') || k.startsWith('__') || wanted.includes(k.toLowerCase())));
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function userOf(req) {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return text.slice(colon + 1) === testSiteAccount.password ? text.slice(0, colon) : undefined;
}

const registrationTypes = { SMSID: 'string', Certificate: 'string', Type: 'number', UdaSetting: 'number', IssuedCert: 'number' };

/** SMS_Site.SubmitRegistrationRecord (reference §3): checks the in-parameters, adds an SMS_CertificateInfo row. */
function submitRegistrationRecord(body, classes) {
  let input;
  try {
    input = JSON.parse(body);
  } catch {
    return { status: 400, body: { error: { code: '400', message: 'The request body is not JSON.' } } };
  }
  for (const [name, type] of Object.entries(registrationTypes)) {
    if (typeof input[name] !== type) return { status: 400, body: { error: { code: '400', message: `Parameter ${name} is missing or not a ${type}.` } } };
  }
  if (!/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i.test(input.SMSID) || !/^(?:[0-9A-F]{2})+$/.test(input.Certificate)) {
    return { status: 400, body: { error: { code: '400', message: 'SMSID must be a GUID and Certificate uppercase hex.' } } };
  }
  const table = classes.get('SMS_CERTIFICATEINFO');
  const thumbprint = createHash('sha1').update(Buffer.from(input.Certificate, 'hex')).digest('hex').toUpperCase();
  if (!table.rows.some((r) => r.SMSID.toUpperCase() === input.SMSID.toUpperCase())) {
    table.rows.push({ '@odata.etag': input.SMSID, SMSID: input.SMSID, Certificate: input.Certificate, Thumbprint: thumbprint, Type: input.Type, KeyType: input.IssuedCert === 2 ? 2 : 1, UdaSetting: input.UdaSetting, ServerName: '', IsApproved: 1, IsBlocked: false });
  }
  return { status: 200, body: { '@odata.context': `https://${providerHost}/AdminService/wmi/$metadata#Edm.Int32`, ReturnValue: 0 } };
}

function send(res, status, body, type) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function mpHandler(site, faults, replies) {
  return (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/_test/requests') return send(res, 200, JSON.stringify(site.requests), 'application/json');
    site.requests.push({ server: 'mp', method: req.method, path: url.pathname, query: url.search.slice(1) });
    if (faults.mp === 'timeout') return; // never answers; close() ends the socket
    const operation = decodeURIComponent(url.search.slice(1)).toUpperCase();
    if (url.pathname.toLowerCase() !== '/sms_mp/.sms_aut' || faults.mp === 'notmp') return send(res, 404, iis404, 'text/html');
    if (operation.startsWith('MPLIST1&') && !replies.mp.has(operation)) return send(res, 500, iis500, 'text/html');
    const body = replies.mp.get(operation);
    if (body === undefined) return send(res, 404, iis404, 'text/html');
    const served = faults.mp === 'truncated' && operation === 'MPKEYINFORMATIONMEDIA' ? body.slice(0, body.length >> 1) : body;
    send(res, 200, served, 'text/xml');
  };
}

function adminServiceHandler(site, faults, replies) {
  return async (req, res) => {
    const url = new URL(req.url, 'https://127.0.0.1');
    const body = await readBody(req);
    const user = userOf(req);
    site.requests.push({ server: 'adminService', method: req.method, path: url.pathname, query: url.search.slice(1), user: user ?? null, body: body || null });
    if (faults.adminService === 'timeout') return;
    const fault = [401, 403].includes(Number(faults.adminService)) ? Number(faults.adminService)
      : req.method === 'POST' && [401, 403].includes(Number(faults.register)) ? Number(faults.register) : 0;
    if (user === undefined || fault === 401) {
      // A request without (valid) credentials gets 401 with an empty body (reference capture).
      res.writeHead(401, { 'www-authenticate': 'Basic realm="AdminService"', 'content-length': 0 });
      return res.end();
    }
    if (fault === 403) return send(res, 403, JSON.stringify({ error: { code: '403', message: 'Access denied.' } }), 'application/json');
    if (req.method === 'POST' && Number(faults.register) === 404) return send(res, 404, JSON.stringify({ error: { code: '404', message: 'Not found.' } }), 'application/json');
    const m = /^\/AdminService\/wmi\/([A-Za-z_]+)(?:\.(\w+))?$/i.exec(url.pathname);
    if (!m) return send(res, 404, JSON.stringify({ error: { code: '404', message: 'Not found.' } }), 'application/json');
    if (req.method === 'POST' && m[1].toUpperCase() === 'SMS_SITE' && m[2]?.toUpperCase() === 'SUBMITREGISTRATIONRECORD') {
      const outcome = submitRegistrationRecord(body, replies.classes);
      if (outcome.status === 200) site.registrations.push(JSON.parse(body));
      return send(res, outcome.status, JSON.stringify(outcome.body), 'application/json');
    }
    const table = replies.classes.get(m[1].toUpperCase());
    if (req.method !== 'GET' || m[2] || !table) return send(res, 404, JSON.stringify({ error: { code: '404', message: `Class ${m[1]} not found.` } }), 'application/json');
    let rows;
    try {
      rows = table.rows.filter((row) => matchesFilter(row, url.searchParams.get('$filter'))).map((row) => selectFields(row, url.searchParams.get('$select')));
    } catch (err) {
      return send(res, 400, JSON.stringify({ error: { code: '400', message: err.message } }), 'application/json');
    }
    const text = JSON.stringify({ '@odata.context': `https://${providerHost}/AdminService/wmi/$metadata#${table.name}`, value: rows });
    send(res, 200, faults.adminService === 'truncated' && table.name === 'SMS_BootImagePackage' ? text.slice(0, text.length >> 1) : text, 'application/json; odata.metadata=minimal');
  };
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

/** Starts the site; `close()` stops it (it also stops by itself after `lifetimeMs`). */
export async function startTestSite({ faults = {}, lifetimeMs = 10 * 60_000 } = {}) {
  const replies = loadReplies();
  const site = { requests: [], registrations: [] };
  const sockets = new Set();
  const track = (server) => server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  const mp = createHttpServer(mpHandler(site, faults, replies));
  const tls = { key: readFileSync(join(fixtures, 'tls.key')), cert: readFileSync(join(fixtures, 'tls.pem')) };
  const adminService = createHttpsServer(tls, adminServiceHandler(site, faults, replies));
  track(mp);
  track(adminService);
  const mpPort = await listen(mp);
  const adminPort = await listen(adminService);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
    await Promise.all([new Promise((r) => mp.close(r)), new Promise((r) => adminService.close(r))]);
  };
  const timer = setTimeout(close, lifetimeMs);
  timer.unref();
  return Object.assign(site, {
    mpUrl: `http://127.0.0.1:${mpPort}`,
    adminServiceUrl: `https://127.0.0.1:${adminPort}/AdminService`,
    close,
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released): "MP unreachable". */
export async function closedPort() {
  const server = createHttpServer();
  const port = await listen(server);
  await new Promise((r) => server.close(r));
  return port;
}

async function main() {
  const faults = {};
  const args = process.argv.slice(2);
  let lifetimeMs;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--fault') {
      const [name, value] = args[++i].split('=');
      faults[name] = value;
    } else if (args[i] === '--lifetime-seconds') lifetimeMs = Number(args[++i]) * 1000;
    else if (args[i] === '--closed-port') {
      process.stdout.write(`${JSON.stringify({ port: await closedPort() })}\n`);
      return;
    } else throw new Error(`unknown argument ${args[i]}`);
  }
  const site = await startTestSite({ faults, ...(lifetimeMs ? { lifetimeMs } : {}) });
  process.stdout.write(`${JSON.stringify({ mp: site.mpUrl, adminService: site.adminServiceUrl, requests: `${site.mpUrl}/_test/requests` })}\n`);
  const stop = () => site.close().then(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  setTimeout(stop, lifetimeMs ?? 10 * 60_000).unref();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();

// Maintainer command, online: is the pinned runtime line (build/node-target.json) still supported,
// and what is newest in it? Never used by the build. `node build/check-node-target.mjs [--timeout S]`
// Exit 0 supported, 1 not supported, 2 could not check (offline, timeout).
//
// @pkgjs/nv fetches nodejs.org/dist/index.json and a hard-coded raw.githubusercontent.com
// schedule; offline it fails, and its got@11 Map cache can hang forever on small responses
// (docs/build.md "The pinned Node runtime and its end of life"), hence the hard timeout. When the npm package `node-releases` is installed, its
// bundled release schedule gives an offline answer too.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, nodeTarget } from './lib.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const major = nodeTarget.version.split('.')[0];
const day = (d) => d.toISOString().slice(0, 10);

async function online(timeoutS) {
  const nv = require('@pkgjs/nv');
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutS} s`)), timeoutS * 1000);
  });
  try {
    const versions = await Promise.race([nv(major), timeout]);
    const newest = versions.at(-1);
    if (!newest) return { status: 2, text: `@pkgjs/nv: no Node ${major} release found` };
    const supported = newest.isSupported ? `supported until ${day(newest.end)}` : `NOT supported (ended ${newest.end ? day(newest.end) : '?'})`;
    const update = newest.version === nodeTarget.version ? 'the pin is the newest' : `newest is ${newest.version}`;
    return {
      status: newest.isSupported ? 0 : 1,
      text: `@pkgjs/nv: Node ${major} is ${supported}${newest.isMaintenance ? ', in maintenance' : ''}; pinned ${nodeTarget.version}, ${update}`,
    };
  } catch (err) {
    return { status: 2, text: `@pkgjs/nv: could not check online (${err.code ?? err.message}); this command needs nodejs.org and raw.githubusercontent.com` };
  } finally {
    clearTimeout(timer);
  }
}

function offline() {
  if (!existsSync(join(ROOT, 'node_modules', 'node-releases'))) return 'node-releases: not installed, offline check skipped';
  const schedule = require('node-releases/data/release-schedule/release-schedule.json')[`v${major}`];
  if (!schedule) return `node-releases: no schedule for v${major}`;
  const end = new Date(schedule.end);
  return `node-releases (offline): Node ${major} end of life ${schedule.end}${end < new Date() ? ' — PASSED, move the pin' : ''}`;
}

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--timeout');
  const timeoutS = at >= 0 ? Number(args[at + 1]) : 20;
  process.stdout.write(`${offline()}\n`);
  const { status, text } = await online(timeoutS);
  process.stdout.write(`${text}\n`);
  // Exit at once: got may keep sockets or timers alive after the race was lost.
  process.exit(status);
}

cli(main);

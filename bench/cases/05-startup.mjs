// Engine start (bench, not a test: timings fail on a busy machine, ratios do not): spawn the
// single executable, write a `version` request at once (the engine reads it after its hello line),
// stop the clock at the reply with id 1, close stdin and wait for the exit. Beside it, in the same
// run and taking turns, `node -e 0` of the same Node runtime: the floor any Node program pays, so
// the ratio says what the engine adds on this machine today, busy or not.
// Target: engine median <= 100 ms on the 2-core dev machine (issue 18), read beside the ratio
// (docs/build.md "Start time").
// `npm run bench -- startup` (RUNS=20 by default; the engine from `npm run build`, or ENGINE=path).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, cleanEnv, nodeBinDir, nodeTarget, TARGETS } from '../../build/lib.mjs';

const runs = Math.max(5, Number(process.env.RUNS ?? 20));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (since) => Number(process.hrtime.bigint() - since) / 1e6;

/** Engine start → answered `version`, in ms. */
function engineOnce(engine) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(engine, [], { stdio: ['pipe', 'pipe', 'inherit'], env: cleanEnv() });
    let buffered = '';
    let answeredMs;
    child.on('error', reject);
    child.stdout.setEncoding('utf8').on('data', (text) => {
      buffered += text;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (line.id === 1 && answeredMs === undefined) {
          answeredMs = ms(started);
          if (!line.result) reject(new Error(`version failed: ${JSON.stringify(line)}`));
          child.stdin.end();
        }
      }
    });
    child.on('exit', (code) => (answeredMs === undefined ? reject(new Error(`engine exited with ${code} before answering`)) : resolve(answeredMs)));
    child.stdin.write('{"id":1,"command":"version"}\n');
  });
}

/** `node -e 0`: spawn to exit, in ms. */
function nodeOnce(node) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, ['-e', '0'], { stdio: 'ignore', env: cleanEnv() });
    child.on('error', reject);
    child.on('exit', () => resolve(ms(started)));
  });
}

export default async function startupBench() {
  const engine = process.env.ENGINE ?? join(DIST, 'bin', 'linux-x64', TARGETS['linux-x64'].exe);
  if (!existsSync(engine)) {
    process.stdout.write(`skipped: ${engine} does not exist; run npm run build\n`);
    return;
  }
  // The runtime the engine embeds, when bootstrap fetched it; else this Node.
  const shipped = join(nodeBinDir(TARGETS['linux-x64'].pkg), 'package', TARGETS['linux-x64'].bin);
  const node = existsSync(shipped) ? shipped : process.execPath;
  for (let i = 0; i < 3; i++) await Promise.all([engineOnce(engine), nodeOnce(node)].map((p) => p.catch((e) => e))); // warm the page cache
  const engineMs = [];
  const nodeMs = [];
  for (let i = 0; i < runs; i++) {
    engineMs.push(await engineOnce(engine));
    nodeMs.push(await nodeOnce(node));
  }
  const e = median(engineMs);
  const n = median(nodeMs);
  const row = (what, xs) => `${what.padEnd(32)} ${median(xs).toFixed(1).padStart(10)} ${Math.min(...xs).toFixed(1).padStart(8)} ${Math.max(...xs).toFixed(1).padStart(8)}\n`;
  process.stdout.write(`engine start (median of ${runs}, the two taking turns)\n`);
  process.stdout.write(`${'what'.padEnd(32)}  median ms   min ms   max ms\n`);
  process.stdout.write(row('engine start → version answered', engineMs));
  process.stdout.write(row(`node -e 0 (${node === process.execPath ? process.version : `v${nodeTarget.version}`})`, nodeMs));
  process.stdout.write(`engine / node -e 0: ${(e / n).toFixed(2)}\n`);
  process.stdout.write(`target: engine <= 100 ms: ${e <= 100 ? 'met' : 'NOT met'}${n > 100 ? ` (node -e 0 alone takes ${n.toFixed(0)} ms: the machine is busy, read the ratio)` : ''}\n`);
}

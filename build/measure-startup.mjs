// Engine start → answered `version` request (acceptance of issue 2: median ≤ 150 ms).
// `node build/measure-startup.mjs [engine] [--runs N]`; default engine dist/bin/linux-x64/cmtsmedia-engine.
// Each run: spawn, write the request at once (the engine reads it after its hello line), stop the
// clock when the response line with id 1 arrives, then close stdin and wait for the exit.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, cleanEnv, cli } from './lib.mjs';

const LIMIT_MS = 150;

function once(engine) {
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
          answeredMs = Number(process.hrtime.bigint() - started) / 1e6;
          if (!line.result) reject(new Error(`version failed: ${JSON.stringify(line)}`));
          child.stdin.end();
        }
      }
    });
    child.on('exit', (code) => answeredMs === undefined
      ? reject(new Error(`engine exited with ${code} before answering`))
      : resolve(answeredMs));
    child.stdin.write('{"id":1,"command":"version"}\n');
  });
}

async function main() {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 20;
  const engine = args[0] ?? join(DIST, 'bin', 'linux-x64', 'cmtsmedia-engine');
  if (!existsSync(engine)) throw new Error(`${engine} does not exist; run npm run build`);
  for (let i = 0; i < 3; i++) await once(engine); // warm the page cache
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await once(engine));
  times.sort((a, b) => a - b);
  const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  process.stdout.write(`engine start → version answered: median ${median.toFixed(1)} ms over ${runs} runs ` +
    `(min ${times[0].toFixed(1)}, max ${times.at(-1).toFixed(1)}); limit ${LIMIT_MS} ms\n`);
  return median <= LIMIT_MS ? 0 : 1;
}

cli(main);

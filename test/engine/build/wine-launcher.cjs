// Runs under wine with the official Windows node.exe the engine is made from: starts the win-x64
// engine with libuv's own pipes (Windows named pipes inside wine; Node under wine cannot use the
// Unix pipe a Linux parent would give it), sends the requests, closes the engine's stdin once every
// request has its result or error (stdin EOF cancels a running creation), and writes everything the
// engine printed to a file. Usage: node.exe wine-launcher.cjs <engine.exe> <requests.jsonl> <out.jsonl>
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const [engine, requests, out] = process.argv.slice(2);
const text = fs.readFileSync(requests, 'utf8');
const waiting = new Set(text.split('\n').filter(Boolean).map((line) => JSON.parse(line).id));
const child = spawn(engine, [], { stdio: ['pipe', 'pipe', 'inherit'] });
let stdout = '';
child.stdout.setEncoding('utf8').on('data', (chunk) => {
  stdout += chunk;
  for (const line of stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n').filter(Boolean)) {
    const message = JSON.parse(line);
    if ('result' in message || 'error' in message) waiting.delete(message.id);
  }
  if (waiting.size === 0) child.stdin.end();
});
child.on('close', (code) => {
  fs.writeFileSync(out, stdout);
  process.exit(code ?? 1);
});
child.stdin.write(text);

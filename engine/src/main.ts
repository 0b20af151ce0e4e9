import { engineCommands } from './protocol/commands.js';
import { Server } from './protocol/server.js';
import { engineFacts } from './version.js';

const server = new Server({
  input: process.stdin,
  output: process.stdout,
  hello: { ...engineFacts(), pid: process.pid },
  commands: engineCommands,
});
for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => void server.end().then(() => process.exit(exitCode)));
}
void server.serve().then(() => process.exit(0));

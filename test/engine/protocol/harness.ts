import { PassThrough } from 'node:stream';
import { Server } from '../../../engine/src/protocol/server.js';
import { engineCommands } from '../../../engine/src/protocol/commands.js';
import type { Command } from '../../../engine/src/protocol/server.js';

export type Message = Record<string, any>;

/** An in-process engine on two pipes; `lines()` returns everything it wrote, parsed. */
export function startEngine(extra: (server: Server) => Record<string, Command<any>> = () => ({})) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const server = new Server({ input, output, hello: { protocol: 1, engineVersion: 'test' }, commands: (s) => ({ ...engineCommands(s), ...extra(s) }) });
  const served = server.serve();
  const lines = (): Message[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const waitFor = async (predicate: (m: Message) => boolean, timeoutMs = 5000): Promise<Message> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = lines().find(predicate);
      if (found) return found;
      if (Date.now() > until) throw new Error(`timed out; engine wrote:\n${text}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const reply = (id: unknown) => waitFor((m) => m.id === id && ('result' in m || 'error' in m));
  const send = (value: unknown) => input.write(typeof value === 'string' ? value : `${JSON.stringify(value)}\n`);
  const end = async () => {
    input.end();
    await served;
  };
  return { input, output, server, lines, waitFor, reply, send, end, raw: () => text };
}

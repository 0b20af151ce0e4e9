/**
 * The protocol's JSON Schema document (engine/protocol.schema.json): every message of messages.ts
 * and every command's params and result, generated so it cannot drift from the engine. Written by
 * `npm run build` (build/emit-schema.mjs); a test fails when the committed file is stale.
 */
import { engineCommands } from './commands.js';
import { errorShape, eventShapes, helloShape } from './messages.js';
import type { Server } from './server.js';
import { protocolVersion } from './server.js';
import { jsonSchema, paramsSchema } from './shape.js';

export function protocolSchema(): Record<string, unknown> {
  const commands = engineCommands({ cancel: () => false } as unknown as Server);
  const defs: Record<string, unknown> = { hello: jsonSchema(helloShape), error: jsonSchema(errorShape) };
  for (const [name, shape] of Object.entries(eventShapes)) defs[`${name}Event`] = jsonSchema(shape);
  for (const [name, command] of Object.entries(commands)) {
    defs[`${name}Params`] = paramsSchema(command.params);
    defs[`${name}Result`] = jsonSchema(command.result);
  }
  const requestId = { type: ['string', 'integer'] };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `CmTsMedia engine protocol ${protocolVersion}: one line the engine writes (docs/protocol.md)`,
    description: 'A line is the hello, an event, a result or an error. Results are checked per command against $defs/<command>Result, requests against $defs/<command>Params.',
    oneOf: [
      { $ref: '#/$defs/hello' },
      ...Object.keys(eventShapes).map((name) => ({ $ref: `#/$defs/${name}Event` })),
      { type: 'object', properties: { id: requestId, result: {} }, required: ['id', 'result'], additionalProperties: false },
      { type: 'object', properties: { id: { anyOf: [requestId, { type: 'null' }] }, error: { $ref: '#/$defs/error' } }, required: ['id', 'error'], additionalProperties: false },
    ],
    $defs: defs,
  };
}

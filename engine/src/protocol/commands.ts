import { describeBootImages } from '../media/boot-images.js';
import { checkBootMedia, createBootMedia, createBootMediaParams, describeDisk, describeDiskParams } from '../media/create-boot-media.js';
import { getStatus } from '../ops/status.js';
import { engineFacts } from '../version.js';
import { command, type Command, type Server } from './server.js';

/** The engine's commands (docs/protocol.md). Names and parameters are the protocol's contract. */
export function engineCommands(server: Server): Readonly<Record<string, Command<any>>> {
  return {
    version: command({}, async () => engineFacts()),
    cancel: command({ requestId: { type: 'id', required: true } }, async ({ requestId }) => ({ canceled: server.cancel(requestId) })),
    getStatus: command({ operationId: { type: 'string' } }, async ({ operationId }) => getStatus(operationId)),
    getBootImages: command({ siteCatalog: { type: 'string', required: true } }, async ({ siteCatalog }) => ({ bootImages: await describeBootImages(siteCatalog) })),
    describeDisk: command(describeDiskParams, async (params) => describeDisk(params)),
    createBootMedia: command(createBootMediaParams, (params, context) => createBootMedia(params, context)),
    checkBootMedia: command(createBootMediaParams, (params, context) => checkBootMedia(params, context)),
  };
}

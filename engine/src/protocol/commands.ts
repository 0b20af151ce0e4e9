import { describeBootImages } from '../media/boot-images.js';
import { checkBootMedia, createBootMedia, describeDisk } from '../media/create-boot-media.js';
import { inspectMedia } from '../media/inspect-media.js';
import { removeStatus } from '../ops/remove-status.js';
import { checkConnectionOptions } from '../media/connection-options.js';
import { getStatus } from '../ops/status.js';
import { writeSiteCatalog } from '../site/live/write-catalog.js';
import { engineFacts } from '../version.js';
import { createBootMediaParams, describeDiskParams, inspectMediaParams, writeSiteCatalogParams } from './command-params.js';
import * as results from './messages.js';
import { loggedCommand, logParams } from './logged-command.js';
import { command, type Command, type Server } from './server.js';

/** The engine's commands (docs/protocol.md). Names, parameters and result shapes are the protocol's contract. */
export function engineCommands(server: Server): Readonly<Record<string, Command<any>>> {
  return {
    version: command({}, results.versionResult)(async () => engineFacts()),
    cancel: command({ requestId: { type: 'id', required: true } }, results.cancelResult)(async ({ requestId }) => ({ canceled: server.cancel(requestId) })),
    getStatus: command({ operationId: { type: 'string' } }, results.getStatusResult)(async ({ operationId }, context) => getStatus(operationId, (message) => context.event('warning', { message }))),
    removeStatus: command({ operationIds: { type: 'stringList', required: true } }, results.removeStatusResult)(async ({ operationIds }) => removeStatus(operationIds)),
    getBootImages: command({ siteCatalog: { type: 'string', required: true } }, results.getBootImagesResult)(async ({ siteCatalog }) => ({ bootImages: await describeBootImages(siteCatalog) })),
    describeDisk: command(describeDiskParams, results.describeDiskResult)(async (params) => describeDisk(params)),
    createBootMedia: loggedCommand('createBootMedia', createBootMediaParams, results.createBootMediaResult)((params, context) => createBootMedia(params, context)),
    // The same request as createBootMedia (the module sends one for -WhatIf); logPath is only the creation's.
    checkBootMedia: command({ ...createBootMediaParams, ...logParams }, results.checkBootMediaResult)(({ logPath: _logPath, ...params }, context) => checkBootMedia(params, context)),
    inspectMedia: command(inspectMediaParams, results.inspectMediaResult)((params, context) => inspectMedia(params, context)),
    checkConnectionOptions: command({ connectionOptions: { type: 'stringMap', required: true, secret: true } }, results.checkConnectionOptionsResult)(async ({ connectionOptions }) => {
      checkConnectionOptions(connectionOptions);
      return {};
    }),
    writeSiteCatalog: command(writeSiteCatalogParams, results.writeSiteCatalogResult)((params, context) => writeSiteCatalog(params, context)),
  };
}

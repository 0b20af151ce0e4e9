import type { CreateBootMediaParams } from '../media/request.js';
import { engineFacts } from '../version.js';
import { createBootMediaParams, describeDiskParams, inspectMediaParams, writeSiteCatalogParams } from './command-params.js';
import * as results from './messages.js';
import { loggedCommand, logParams } from './logged-command.js';
import { command, type Command, type Server } from './server.js';

// Each command's code is loaded when a request first needs it, so that the engine answers its hello
// line and `version` without evaluating the media writers, node-forge or the WIM decoders (docs/build.md,
// "Start time"). Parameters and result shapes stay declared up front (command-params.ts, messages.ts),
// in modules that import no code of the commands.
const media = () => import('../media/create-boot-media.js');
const keyPairs = () => import('../certs/key-pair.js');
const inspection = () => import('../media/inspect-media.js');
const bootImages = () => import('../media/boot-images.js');
const connections = () => import('../media/connection-options.js');
const siteCatalogs = () => import('../site/live/write-catalog.js');
const status = () => import('../ops/status.js');
const statusRemoval = () => import('../ops/remove-status.js');

/**
 * A creation's media environment, with the certificate's key already being made on the thread pool
 * (certs/key-pair.ts) while the media code loads and the site and boot image are read; none is made
 * when the request brings its own PFX.
 */
async function mediaCode(params: CreateBootMediaParams) {
  const privateKey = params.certificatePath === undefined ? (await keyPairs()).generateMediaKeyPair() : undefined;
  // a creation that fails before it needs the key leaves this promise unawaited
  privateKey?.catch(() => undefined);
  const code = await media();
  return { code, environment: { ...code.defaultEnvironment, ...(privateKey ? { privateKey } : {}) } };
}

/** The engine's commands (docs/protocol.md). Names, parameters and result shapes are the protocol's contract. */
export function engineCommands(server: Server): Readonly<Record<string, Command<any>>> {
  return {
    version: command({}, results.versionResult)(async () => engineFacts()),
    cancel: command({ requestId: { type: 'id', required: true } }, results.cancelResult)(async ({ requestId }) => ({ canceled: server.cancel(requestId) })),
    getStatus: command({ operationId: { type: 'string' } }, results.getStatusResult)(async ({ operationId }, context) => (await status()).getStatus(operationId, (message) => context.event('warning', { message }))),
    removeStatus: command({ operationIds: { type: 'stringList', required: true } }, results.removeStatusResult)(async ({ operationIds }) => (await statusRemoval()).removeStatus(operationIds)),
    getBootImages: command({ siteCatalog: { type: 'string', required: true } }, results.getBootImagesResult)(async ({ siteCatalog }) => ({ bootImages: await (await bootImages()).describeBootImages(siteCatalog) })),
    describeDisk: command(describeDiskParams, results.describeDiskResult)(async (params) => (await media()).describeDisk(params)),
    createBootMedia: loggedCommand('createBootMedia', createBootMediaParams, results.createBootMediaResult)(async (params, context) => {
      const { code, environment } = await mediaCode(params);
      return code.createBootMedia(params, context, environment);
    }),
    // The same request as createBootMedia (the module sends one for -WhatIf); logPath is only the creation's.
    checkBootMedia: command({ ...createBootMediaParams, ...logParams }, results.checkBootMediaResult)(async ({ logPath: _logPath, ...params }, context) => {
      const { code, environment } = await mediaCode(params);
      return code.checkBootMedia(params, context, environment);
    }),
    inspectMedia: command(inspectMediaParams, results.inspectMediaResult)(async (params, context) => (await inspection()).inspectMedia(params, context)),
    checkConnectionOptions: command({ connectionOptions: { type: 'stringMap', required: true, secret: true } }, results.checkConnectionOptionsResult)(async ({ connectionOptions }) => {
      (await connections()).checkConnectionOptions(connectionOptions);
      return {};
    }),
    writeSiteCatalog: command(writeSiteCatalogParams, results.writeSiteCatalogResult)(async (params, context) => (await siteCatalogs()).writeSiteCatalog(params, context)),
  };
}

import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createMediaCertificate, exportPfx, importPfx } from '../certs/index.js';
import { CmTsError, fromSystemError } from '../errors/index.js';
import { buildMediaVariables, defaultMediaLabel, encodeMediaLabel, mediaPfxPassword, newMediaGuid, encodeTsmBootstrapIni, encodeVariablesDat } from '../formats/mediavars/index.js';
import { diskFileSource } from '../formats/sources.js';
import { checkArchitecture, WimReader } from '../formats/wim/index.js';
import { lockDestination, type DestinationLock } from '../ops/locks.js';
import { readSmallFile } from '../ops/small-file.js';
import { Operation, sweepOperations } from '../ops/operations.js';
import type { FieldType, Params } from '../protocol/params.js';
import type { RequestContext } from '../protocol/server.js';
import { loadSiteCatalog, resolveBootMedia } from '../site/index.js';
import { type DiskFacts, describeDiskTarget, type DiskTargetDescription, resolveDestinationPath } from '../usb/index.js';
import { planBootMediaTree } from './boot-tree.js';
import { checkConnectionOptions } from './connection-options.js';
import { ProgressReporter } from './progress.js';
import { writeMedia, writeStepInfo, type MediaType } from './write-media.js';

import { mediaTypes } from './write-media.js';

/**
 * UFD+FORMAT on Windows: the disk's facts as the module read them with Get-Disk/Get-Partition
 * (docs/usb.md). Every field of DiskFacts, nothing else.
 */
const diskFactsFields = {
  path: 'string',
  sizeBytes: 'count',
  type: 'string',
  removable: 'boolean',
  hotplug: 'boolean',
  transport: 'stringOrNull',
  readOnly: 'boolean',
  model: 'stringOrNull',
  systemDisk: 'boolean',
  mounted: 'stringList',
} as const satisfies Record<keyof DiskFacts, FieldType>;

/** The parameters that say what a UFD+FORMAT destination is; createBootMedia and describeDisk share them. */
const diskTargetParams = {
  /** UFD+FORMAT to a new disk image file: its size. */
  imageSizeBytes: { type: 'count' },
  /** UFD+FORMAT: let a loop device count as a removable disk (labs and tests; never the default). */
  allowLoopDevices: { type: 'boolean' },
  /** UFD+FORMAT to a Windows disk: its facts (the engine does not query Windows). */
  disk: { type: 'object', fields: diskFactsFields },
} as const;

/** describeDisk: what UFD+FORMAT would write to, checked as a creation checks it (the module's prompt names it). */
export const describeDiskParams = {
  destinationPath: { type: 'string', required: true },
  ...diskTargetParams,
} as const;

export function describeDisk(params: Params<typeof describeDiskParams>): Promise<DiskTargetDescription> {
  return describeDiskTarget(resolveDestinationPath(params.destinationPath), {
    ...(params.imageSizeBytes !== undefined ? { imageSizeBytes: params.imageSizeBytes } : {}),
    ...(params.disk ? { disk: params.disk } : {}),
    allowLoopDevices: params.allowLoopDevices === true,
  });
}

/** createBootMedia's parameters: the cmdlet's names in camelCase (SPEC §6). */
export const createBootMediaParams = {
  mediaType: { type: 'string', required: true, values: mediaTypes },
  destinationPath: { type: 'string', required: true },
  bootImageId: { type: 'string', required: true },
  siteCatalog: { type: 'string', required: true },
  mediaPassword: { type: 'string', secret: true },
  certificatePath: { type: 'string' },
  certificatePassword: { type: 'string', secret: true },
  certificateValidStart: { type: 'datetime' },
  certificateValidEnd: { type: 'datetime' },
  mediaLabel: { type: 'string' },
  variables: { type: 'stringMap' },
  connectionOptions: { type: 'stringMap', secret: true },
  force: { type: 'boolean' },
  ...diskTargetParams,
} as const;

export type CreateBootMediaParams = Params<typeof createBootMediaParams>;

export interface BootMediaResult {
  operationId: string;
  mediaType: string;
  destinationPath: string;
  bootImageId: string;
  bytesWritten: number;
  mediaGuid: string;
  certificateThumbprint: string;
  certificateNotAfter: string;
  durationMs: number;
}

/** Clock and randomness, injected so tests can make byte-stable media. */
export interface MediaEnvironment {
  now(): Date;
  mediaGuid(): string;
  /** Fixed timestamp for every file and volume date; the creation time when absent. */
  fixedTimestamp?: Date;
}

const defaultEnvironment: MediaEnvironment = { now: () => new Date(), mediaGuid: () => newMediaGuid() };

const steps = (mediaType: MediaType) => [
  { info: 'Reading the site catalog', share: 1 },
  { info: 'Opening the boot image', share: 1 },
  { info: 'Preparing the media certificate', share: 2 },
  { info: 'Writing the media variables', share: 1 },
  { info: writeStepInfo[mediaType], share: 95 },
];

/**
 * SPEC §5: one boot media creation, from the request to the media at the destination. Order of
 * checks: arguments, site (MP, certificates, package), destination, boot image, certificate; so a
 * request that cannot succeed fails before any byte is written.
 */
export async function createBootMedia(params: CreateBootMediaParams, context: RequestContext, environment = defaultEnvironment): Promise<BootMediaResult> {
  const started = environment.now();
  const destinationPath = resolveDestinationPath(params.destinationPath);
  const connectionWarning = checkConnectionOptions(params.connectionOptions);
  if (params.disk && params.mediaType !== 'UFD+FORMAT') throw new CmTsError('E_INVALIDARG', 'parameter disk applies only to mediaType UFD+FORMAT');
  const validFrom = params.certificateValidStart ?? started;
  const validTo = params.certificateValidEnd ?? new Date(validFrom.getTime() + 365 * 24 * 3600_000);

  sweepOperations();
  const operation = new Operation({ mediaType: params.mediaType, destinationPath, bootImageId: params.bootImageId });
  context.event('started', { operationId: operation.id });
  const progress = new ProgressReporter(context, operation, steps(params.mediaType));
  let lock: DestinationLock | undefined;
  let wim: WimReader | undefined;
  try {
    if (connectionWarning) context.event('warning', { message: connectionWarning });
    progress.next();
    const catalog = await loadSiteCatalog(resolve(params.siteCatalog));
    const site = await resolveBootMedia(catalog, params.bootImageId);
    progress.log(`site ${site.siteCode}: management point ${site.managementPoint.url}, boot image ${site.bootImage.packageId} from ${site.bootImage.wimPath}`);
    if (catalog.extensions?.demo === true) context.event('warning', { message: 'This is the CmTsMedia demo site: the media boots a stand-in that prints a line, not Windows PE.' });
    if (params.mediaType === 'CD') await checkCdDestination(destinationPath, params.force === true);
    lock = lockDestination(destinationPath, operation.id);

    progress.next();
    wim = await WimReader.open(site.bootImage.wimPath);
    const image = await wim.image();
    const arch = checkArchitecture(image.info, site.bootImage.architecture, site.bootImage.wimPath);
    progress.log(`boot image ${image.info.name ?? ''} (${arch}), ${wim.info.compression} compression, image ${image.info.index} of ${wim.info.imageCount}`);

    progress.next();
    const mediaGuid = environment.mediaGuid();
    const certificate = params.certificatePath
      ? importPfx(await readSmallFile(resolve(params.certificatePath), 'certificatePath'), params.certificatePassword, params.certificatePath)
      : await createMediaCertificate({ validFrom, validTo, now: started });
    const pfx = exportPfx(certificate, mediaPfxPassword(mediaGuid));
    progress.log(`media certificate ${pfx.thumbprint}, valid ${pfx.notBefore.toISOString()} to ${pfx.notAfter.toISOString()}`);

    progress.next();
    if (params.mediaPassword === undefined || params.mediaPassword === '') {
      context.event('warning', { message: 'No media password: the media variables and the media certificate\'s private key are protected only by a publicly known key. Anyone holding the media can use them. Pass -MediaPassword for real deployments.' });
    }
    const variables = buildMediaVariables({
      mediaGuid,
      mediaPfx: pfx.pfx,
      managementPointUrl: site.managementPoint.url,
      siteCode: site.siteCode,
      bootImagePackageId: site.bootImage.packageId,
      launchMode: params.mediaType,
      httpPort: site.httpPort,
      httpsPort: site.httpsPort,
      caCertificates: site.caCertificates,
      siteSigningCertificate: site.siteSigningCertificate,
      userVariables: params.variables ?? {},
    });
    const label = params.mediaLabel ?? defaultMediaLabel;
    const generated = {
      variablesDat: encodeVariablesDat(variables, params.mediaPassword || undefined),
      tsmBootstrapIni: encodeTsmBootstrapIni({ passwordRequired: Boolean(params.mediaPassword) }),
      mediaLabelTxt: encodeMediaLabel(label),
    };

    progress.next();
    const tree = planBootMediaTree(image, await diskFileSource(site.bootImage.wimPath), arch, generated);
    const { bytesWritten } = await writeMedia(params.mediaType, tree, destinationPath, {
      label,
      timestamp: environment.fixedTimestamp ?? started,
      volumeId: Number.parseInt(mediaGuid.slice(0, 8), 16),
      packageId: site.bootImage.packageId,
      force: params.force === true,
      signal: context.signal,
      ...(params.imageSizeBytes !== undefined ? { imageSizeBytes: params.imageSizeBytes } : {}),
      allowLoopDevices: params.allowLoopDevices === true,
      ...(params.disk ? { disk: params.disk } : {}),
      progress,
      journal: operation,
    });
    operation.succeed(bytesWritten);
    return {
      operationId: operation.id,
      mediaType: params.mediaType,
      destinationPath,
      bootImageId: site.bootImage.packageId,
      bytesWritten,
      mediaGuid,
      certificateThumbprint: pfx.thumbprint,
      certificateNotAfter: pfx.notAfter.toISOString(),
      durationMs: environment.now().getTime() - started.getTime(),
    };
  } catch (err) {
    const error = context.signal.aborted ? new CmTsError('E_CANCELLED') : fromSystemError(err);
    operation.fail(error);
    throw error;
  } finally {
    await wim?.close();
    lock?.release();
  }
}


/** A CD destination is a file path whose folder exists; an existing file needs force. */
async function checkCdDestination(path: string, force: boolean): Promise<void> {
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory()) throw new CmTsError('E_PATHNOTFOUND', dirname(path));
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new CmTsError('E_INVALIDARG', `destinationPath ${path} is a folder; give the path of the .iso file to create`);
  // With force the ISO is renamed over the destination: never over a device node, pipe or socket (/dev/sda, /dev/null).
  if (existing && !existing.isFile()) throw new CmTsError('E_INVALIDARG', `destinationPath ${path} is not a regular file; give the path of the .iso file to create`);
  if (existing && !force) throw new CmTsError('E_FILEEXISTS', path);
}

import type { KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { createMediaCertificate, defaultCertificateValidEnd, type ExportedPfx, exportPfx, importPfx } from '../certs/index.js';
import { CmTsError, fromSystemError } from '../errors/index.js';
import { mediaPfxPassword, newMediaGuid, prestartCommandVariable } from '../formats/mediavars/index.js';
import { checkArchitecture, WimReader } from '../formats/wim/index.js';
import { Operation, sweepOperations } from '../ops/operations.js';
import { checkFileDestination, type DestinationKind, isFileDestination } from '../output/check.js';
import { refuseInputAsDestination } from '../output/inputs.js';
import { lockDestination, type DestinationLock } from '../output/lock.js';
import type { JobContext } from '../system/job.js';
import { readSmallFile } from '../system/small-file.js';
import { loadSiteCatalog, resolveBootMedia, type ResolvedBootMedia } from '../site/index.js';
import { describeDiskTarget, type DiskTargetDescription, resolveDestinationPath, volumeIdentity } from '../usb/index.js';
import type { Firmware } from './boot-files.js';
import { bootImageSource, explainDamagedCopy } from './boot-image-source.js';
import { type BootMediaTree, planBootMediaTree } from './boot-tree.js';
import { checkMediaLabel, checkOptions, generateFiles, listPrestartFolder, siteChoices } from './media-options.js';
import { checkConnectionOptions } from './connection-options.js';
import { manifestFacts, withManifest } from './manifest.js';
import { ProgressReporter } from './progress.js';
import type { CreateBootMediaParams, DescribeDiskParams } from './request.js';
import { checkCombinations, checkPfxValidity } from './request-rules.js';
import { checkMediaTarget, type MediaTargetOptions, writeMedia, writeStepInfo, type MediaType } from './write-media.js';

export type { CreateBootMediaParams } from './request.js';

/** describeDisk: what UFD+FORMAT would write to, checked as a creation checks it (the module's prompt names it). */
export function describeDisk(params: DescribeDiskParams): Promise<DiskTargetDescription> {
  return describeDiskTarget(resolveDestinationPath(params.destinationPath), {
    ...(params.imageSizeBytes !== undefined ? { imageSizeBytes: params.imageSizeBytes } : {}),
    ...(params.disk ? { disk: params.disk } : {}),
    allowLoopDevices: params.allowLoopDevices === true,
  });
}

export interface BootMediaResult {
  operationId: string;
  mediaType: MediaType;
  destinationPath: string;
  bootImageId: string;
  bytesWritten: number;
  mediaGuid: string;
  certificateThumbprint: string;
  certificateNotAfter: string;
  /** The media certificate's public part, DER as base64 (for export or registration with the site). */
  certificate: string;
  /** Firmware the media boot: BIOS and/or UEFI. */
  firmware: Firmware[];
  mediaLabel: string;
  durationMs: number;
}

/** Clock and randomness, injected so tests can make byte-stable media. */
export interface MediaEnvironment {
  now(): Date;
  mediaGuid(): string;
  /** The media certificate's private key when its generation started before this code loaded (certs/key-pair.ts); a new one otherwise. */
  privateKey?: Promise<KeyObject>;
  /** Fixed timestamp for every file and volume date; the creation time when absent. */
  fixedTimestamp?: Date;
}

export const defaultEnvironment: MediaEnvironment = { now: () => new Date(), mediaGuid: () => newMediaGuid() };

const steps = (mediaType: MediaType) => [
  { info: 'Reading the site catalog', share: 1 },
  { info: 'Opening the boot image', share: 1 },
  { info: 'Preparing the media certificate', share: 2 },
  { info: 'Writing the media variables', share: 1 },
  { info: writeStepInfo[mediaType], share: 95 },
];

/** What the request says before anything is read: checked arguments and derived values. */
interface CheckedRequest {
  readonly started: Date;
  readonly destinationPath: string;
  readonly label: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  readonly connectionWarning: string | undefined;
}

function checkRequest(params: CreateBootMediaParams, environment: MediaEnvironment): CheckedRequest {
  const started = environment.now();
  const destinationPath = resolveDestinationPath(params.destinationPath);
  const connectionWarning = checkConnectionOptions(params.connectionOptions);
  if (params.disk && params.mediaType !== 'UFD+FORMAT') throw new CmTsError('E_INVALIDARG', 'parameter disk applies only to mediaType UFD+FORMAT');
  if (params.volume && params.mediaType !== 'UFD') throw new CmTsError('E_INVALIDARG', 'parameter volume applies only to mediaType UFD');
  const validFrom = params.certificateValidStart ?? started;
  const validTo = params.certificateValidEnd ?? defaultCertificateValidEnd(validFrom);
  const label = checkMediaLabel(params.mediaLabel);
  checkOptions(params);
  checkCombinations(params);
  return { started, destinationPath, label, validFrom, validTo, connectionWarning };
}

/** Everything a creation knows before its first byte: the site, the certificate and the planned tree. */
interface PreparedMedia {
  readonly site: ResolvedBootMedia;
  readonly tree: BootMediaTree;
  readonly pfx: ExportedPfx;
  readonly mediaGuid: string;
  /** Open until the media are written; the caller closes it. */
  readonly wim: WimReader;
}

/**
 * Steps 1 to 4 of a creation, and the media tree. Order of checks: arguments, site (MP,
 * certificates, package), destination, boot image, certificate; so a request that cannot succeed
 * fails before any byte is written.
 */
async function prepareMedia(
  params: CreateBootMediaParams, request: CheckedRequest, context: JobContext, progress: ProgressReporter, environment: MediaEnvironment,
  /** Called once the destination is checked, before the boot image and the certificate: where a creation locks it. */
  destinationChecked: () => void = () => {},
): Promise<PreparedMedia> {
  if (request.connectionWarning) context.event('warning', { message: request.connectionWarning });
  progress.next();
  const catalog = await loadSiteCatalog(resolve(params.siteCatalog));
  const site = await resolveBootMedia(catalog, params.bootImageId, siteChoices(params));
  progress.log(`site ${site.siteCode}: management point ${site.mediaManagementPoints.map((mp) => mp.url).join(', ')}, boot image ${site.bootImage.packageId} from ${site.bootImage.wimPath}`);
  if (catalog.extensions?.demo === true) context.event('warning', { message: 'This is the CmTsMedia demo site: the media boots a stand-in that prints a line, not Windows PE.' });
  const prestartFiles = params.prestartFolder ? await listPrestartFolder(resolve(params.prestartFolder)) : undefined;
  refuseInputAsDestination(request.destinationPath, [
    { what: 'the boot image', path: site.bootImage.wimPath },
    { what: 'the site catalog (siteCatalog)', path: resolve(params.siteCatalog) },
    ...(params.certificatePath ? [{ what: 'the PFX (certificatePath)', path: resolve(params.certificatePath) }] : []),
    ...(params.prestartFolder ? [{ what: 'the prestart folder (prestartFolder)', path: resolve(params.prestartFolder), folder: true }] : []),
  ]);
  if (params.mediaType === 'CD') await checkFileDestination(request.destinationPath, params.force === true);
  destinationChecked();

  progress.next();
  const wim = await WimReader.open(site.bootImage.wimPath).catch(async (err: unknown) => {
    throw await explainDamagedCopy(site.bootImage, fromSystemError(err));
  });
  try {
    const image = await wim.image();
    const arch = checkArchitecture(image.info, site.bootImage.architecture, site.bootImage.wimPath);
    progress.log(`boot image ${image.info.name ?? ''} (${arch}), ${wim.info.compression} compression, image ${image.info.index} of ${wim.info.imageCount}`);

    progress.next();
    const mediaGuid = environment.mediaGuid();
    const certificate = params.certificatePath
      ? await importPfx(await readSmallFile(resolve(params.certificatePath), 'certificatePath'), params.certificatePassword, params.certificatePath, context.signal)
      : await createMediaCertificate({ validFrom: request.validFrom, validTo: request.validTo, now: request.started, ...(environment.privateKey ? { privateKey: environment.privateKey } : {}) });
    if (params.certificatePath) checkPfxValidity(certificate, params.certificatePath, request.started, (message) => context.event('warning', { message }));
    const pfx = exportPfx(certificate, mediaPfxPassword(mediaGuid));
    progress.log(`media certificate ${pfx.thumbprint}, valid ${pfx.notBefore.toISOString()} to ${pfx.notAfter.toISOString()}`);

    progress.next();
    warnAboutOptions(params, context);
    const generated = generateFiles(params, site, { mediaGuid, pfx: pfx.pfx, label: request.label, catalogPath: catalog.path });
    const tree = withManifest(planBootMediaTree({
      image, wim: await bootImageSource(site.bootImage), arch, generated,
      options: { noPrompt: params.noPrompt === true, bootEx: params.bootEx === true },
      ...(prestartFiles ? { prestartFiles } : {}),
    }), manifestFacts(params, site, arch, pfx, request.label, environment.fixedTimestamp ?? request.started));
    reportFirmware(tree, context, progress);
    return { site, tree, pfx, mediaGuid, wim };
  } catch (err) {
    await wim.close();
    throw await explainDamagedCopy(site.bootImage, fromSystemError(err));
  }
}

function warnAboutOptions(params: CreateBootMediaParams, context: JobContext): void {
  if (params.mediaPassword === undefined || params.mediaPassword === '') {
    context.event('warning', { message: 'No media password: the media variables and the media certificate\'s private key are protected only by a publicly known key. Anyone holding the media can use them. Pass -MediaPassword for real deployments.' });
  }
  if (params.prestartCommand) {
    context.event('warning', { message: `ConfigMgr's media variable for the prestart command is not public; CmTsMedia writes ${prestartCommandVariable} (docs/media.md, "Prestart command"). Try the media on a test computer first.` });
  }
}

function writeOptions(params: CreateBootMediaParams, request: CheckedRequest, media: PreparedMedia, environment: MediaEnvironment, context: JobContext): MediaTargetOptions {
  return {
    label: request.label,
    timestamp: environment.fixedTimestamp ?? request.started,
    volumeId: Number.parseInt(media.mediaGuid.slice(0, 8), 16),
    packageId: media.site.bootImage.packageId,
    force: params.force === true,
    signal: context.signal,
    ...(params.imageSizeBytes !== undefined ? { imageSizeBytes: params.imageSizeBytes } : {}),
    allowLoopDevices: params.allowLoopDevices === true,
    ...(params.disk ? { disk: params.disk } : {}),
    ...(params.volume ? { volume: params.volume } : {}),
  };
}

/** The fields that creation and its check report alike. */
function describeMedia(params: CreateBootMediaParams, request: CheckedRequest, media: PreparedMedia) {
  return {
    mediaType: params.mediaType,
    destinationPath: request.destinationPath,
    bootImageId: media.site.bootImage.packageId,
    mediaGuid: media.mediaGuid,
    certificateThumbprint: media.pfx.thumbprint,
    certificateNotAfter: media.pfx.notAfter.toISOString(),
    certificate: Buffer.from(media.pfx.certificateDer).toString('base64'),
    firmware: [...(media.tree.biosBoot ? ['BIOS' as const] : []), ...(media.tree.uefiBoot ? ['UEFI' as const] : [])],
    mediaLabel: request.label,
  };
}

/** What each media type writes to (output/check.ts). */
const destinationKinds: Record<MediaType, DestinationKind> = { CD: 'file', UFD: 'volume', 'UFD+FORMAT': 'diskOrImage' };

/** One boot media creation, from the request to the media at the destination (docs/media.md). */
export async function createBootMedia(params: CreateBootMediaParams, context: JobContext, environment = defaultEnvironment): Promise<BootMediaResult> {
  const request = checkRequest(params, environment);
  sweepOperations((message) => context.event('warning', { message }), Date.now(), volumeIdentity);
  const operation = new Operation({ mediaType: params.mediaType, destinationPath: request.destinationPath, bootImageId: params.bootImageId });
  context.event('started', { operationId: operation.id });
  const progress = new ProgressReporter(context, operation, steps(params.mediaType));
  // stops the creation on a cancel and when its status can no longer be written (a full disk)
  const running: JobContext = { ...context, signal: AbortSignal.any([context.signal, operation.signal]) };
  let lock: DestinationLock | undefined;
  let media: PreparedMedia | undefined;
  try {
    // Locked before the slow part (the boot image, the key pair): a second creation to the same destination is refused at once.
    media = await prepareMedia(params, request, running, progress, environment, () => {
      lock = lockDestination(request.destinationPath, operation.id, isFileDestination(destinationKinds[params.mediaType], request.destinationPath, params.disk !== undefined));
      // a lock its process could not remove (its folder turned read-only) goes with the next sweep
      operation.add([{ remove: lock.path }]);
    });
    progress.next();
    const { bytesWritten } = await writeMedia(params.mediaType, media.tree, request.destinationPath, { ...writeOptions(params, request, media, environment, running), progress, journal: operation });
    lock?.release();
    operation.succeed(bytesWritten);
    return { operationId: operation.id, ...describeMedia(params, request, media), bytesWritten, durationMs: environment.now().getTime() - request.started.getTime() };
  } catch (err) {
    const error = operation.signal.aborted ? fromSystemError(operation.signal.reason) : context.signal.aborted ? new CmTsError('E_CANCELLED') : await explainDamagedCopy(media?.site.bootImage, fromSystemError(err));
    lock?.release();
    operation.fail(error);
    throw error;
  } finally {
    await media?.wim.close();
    lock?.release();
  }
}

export interface BootMediaCheck extends ReturnType<typeof describeMedia> {
  /** The media's size; the destination has room for it. */
  sizeBytes: number;
  /** The destination as a prompt names it ("/dev/sdc (SanDisk Ultra, 14.9 GiB)"). */
  destination: string;
  /** UFD+FORMAT: false only for a new disk image file (nothing is erased). */
  erases: boolean;
}

/**
 * -WhatIf and -Confirm: every check of a creation that writes nothing (catalog, boot image, boot
 * files, certificate and its password, destination, its room and device safety), with the same typed
 * errors; no operation, no lock, no byte written.
 */
export async function checkBootMedia(params: CreateBootMediaParams, context: JobContext, environment = defaultEnvironment): Promise<BootMediaCheck> {
  const request = checkRequest(params, environment);
  const progress = new ProgressReporter(context, undefined, steps(params.mediaType).slice(0, 4));
  let media: PreparedMedia | undefined;
  try {
    media = await prepareMedia(params, request, context, progress, environment);
    const target = await checkMediaTarget(params.mediaType, media.tree, request.destinationPath, writeOptions(params, request, media, environment, context));
    return { ...describeMedia(params, request, media), ...target };
  } finally {
    await media?.wim.close();
  }
}

/** A firmware the media will not boot is said in a warning and the log, never dropped silently. */
function reportFirmware(tree: BootMediaTree, context: JobContext, progress: ProgressReporter): void {
  for (const { firmware, files } of tree.missingFirmware) {
    const message = `The media will not boot on ${firmware} firmware: the boot image lacks ${files.join(', ')}.`;
    context.event('warning', { message });
    progress.log(message);
  }
}

/**
 * The parameters of the engine's domain commands (docs/protocol.md): how the protocol checks and
 * converts a request's fields. Each list declares exactly the fields of the domain type it feeds
 * (checked by the compiler with `satisfies`), so the media and site layers take plain types.
 */
import type { InspectMediaParams } from '../media/inspect-media.js';
import type { CreateBootMediaParams, DescribeDiskParams } from '../media/request.js';
import { mediaTypes } from '../media/media-types.js';
import type { WriteSiteCatalogParams } from '../site/live/write-catalog.js';
import type { DiskFacts, VolumeFacts } from '../usb/index.js';
import type { FieldType, ParamSpec } from './params.js';

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

/**
 * UFD on Windows: the volume's facts as the module read them with Get-Volume (docs/protocol.md
 * "The volume parameter"). Every field of VolumeFacts, nothing else.
 */
export const volumeFactsFields = {
  fileSystem: 'string',
  sizeBytes: 'count',
  freeBytes: 'count',
  clusterBytes: 'count',
} as const satisfies Record<keyof VolumeFacts, FieldType>;

/** The parameters that say what a UFD+FORMAT destination is; createBootMedia and describeDisk share them. */
const diskTargetParams = {
  /** UFD+FORMAT to a new disk image file: its size. */
  imageSizeBytes: { type: 'count' },
  /** UFD+FORMAT: let a loop device count as a removable disk (labs and tests; never the default). */
  allowLoopDevices: { type: 'boolean' },
  /** UFD+FORMAT to a Windows disk: its facts (the engine does not query Windows). */
  disk: { type: 'object', fields: diskFactsFields },
} as const;

/** describeDisk: what UFD+FORMAT would write to (the module's prompt names it). */
export const describeDiskParams = {
  destinationPath: { type: 'string', required: true },
  ...diskTargetParams,
} as const satisfies Record<keyof DescribeDiskParams, ParamSpec>;

/** createBootMedia's parameters: the cmdlet's names in camelCase (docs/protocol.md). */
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
  /** The console media wizard's options (docs/media.md, "Options"). */
  mediaMode: { type: 'string', values: ['Static', 'Dynamic'] },
  managementPoints: { type: 'stringList' },
  distributionPoint: { type: 'string' },
  allowUnknownMachine: { type: 'boolean' },
  allowUnattended: { type: 'boolean' },
  prestartCommand: { type: 'string' },
  prestartFolder: { type: 'string' },
  noPrompt: { type: 'boolean' },
  bootEx: { type: 'boolean' },
  connectionOptions: { type: 'stringMap', secret: true },
  force: { type: 'boolean' },
  ...diskTargetParams,
  /** UFD on Windows: the volume's facts (the engine cannot read its boot sector without elevation). */
  volume: { type: 'object', fields: volumeFactsFields },
} as const satisfies Record<keyof CreateBootMediaParams, ParamSpec>;

/** inspectMedia's parameters (Test-CMBootMedia). */
export const inspectMediaParams = {
  path: { type: 'string', required: true },
  mediaPassword: { type: 'string', secret: true },
  siteCatalog: { type: 'string' },
  /** Seconds before the certificate's NotAfter from which it counts as due for renewal; default 30 days. */
  certificateRenewalSeconds: { type: 'count' },
} as const satisfies Record<keyof InspectMediaParams, ParamSpec>;

/** writeSiteCatalog's parameters (New-CMBootMediaSiteCatalog: what the module read from the site). */
export const writeSiteCatalogParams = {
  path: { type: 'string', required: true },
  force: { type: 'boolean' },
  managementPoint: { type: 'string', required: true },
  /** `.sms_aut` operation (as requested, e.g. `MPLIST1&PS1`) -> reply body. */
  mpReplies: { type: 'stringMap', required: true },
  /** The AdminService URL, or the WMI namespace path the module read. */
  provider: { type: 'string', required: true },
  /** WMI class -> the OData envelope `{"value": [...]}` (AdminService text, or CIM instances the module wrapped). */
  providerReplies: { type: 'stringMap', required: true },
  contentLibraries: { type: 'stringList' },
  /** Recorded in the catalog, so that New-CMBootMedia -Register reaches the provider as this run did. */
  skipCertificateCheck: { type: 'boolean' },
} as const satisfies Record<keyof WriteSiteCatalogParams, ParamSpec>;

/**
 * Every message of the engine protocol, declared once (docs/protocol.md): the hello, the events, the
 * error, and each command's result. commands.ts binds each result shape to the command that returns
 * it (the compiler checks the command's return type against it); build/emit-schema.mjs writes them
 * all, with each command's params, to engine/protocol.schema.json, which the engine's tests and the
 * module's Pester tests validate real messages against.
 */
import type { Shape } from './shape.js';

const nullableString = { nullable: 'string' } as const;

export const helloShape = {
  object: { event: { enum: ['hello'] }, protocol: 'integer', engineVersion: 'string', node: 'string', platform: 'string', arch: 'string', pid: 'integer' },
} as const satisfies Shape;

export const errorShape = {
  object: { code: 'string', hresult: 'string', message: 'string', detail: 'string', data: { object: {}, open: true } },
  optional: ['data'],
} as const satisfies Shape;

const requestId = { oneOf: ['string', 'integer'] } as const satisfies Shape;

/** The events a request may send before its result or error. */
export const eventShapes = {
  started: { object: { id: requestId, event: { enum: ['started'] }, operationId: 'string' } },
  progress: {
    object: { id: requestId, event: { enum: ['progress'] }, operationId: 'string', step: 'integer', steps: 'integer', stepInfo: 'string', percent: 'integer' },
    optional: ['operationId'],
  },
  log: { object: { id: requestId, event: { enum: ['log'] }, level: { enum: ['verbose', 'debug'] }, message: 'string' } },
  warning: { object: { id: requestId, event: { enum: ['warning'] }, message: 'string' } },
} as const satisfies Record<string, Shape>;

export const versionResult = {
  object: { protocol: 'integer', engineVersion: 'string', node: 'string', platform: 'string', arch: 'string' },
} as const satisfies Shape;

export const operationStatus = {
  object: {
    operationId: 'string',
    state: { enum: ['Running', 'Succeeded', 'Failed', 'Canceled', 'Interrupted'] },
    status: 'integer',
    exitCode: 'string',
    mediaType: 'string',
    destinationPath: 'string',
    bootImageId: 'string',
    pid: 'integer',
    computerName: 'string',
    startedAt: 'dateTime',
    updatedAt: 'dateTime',
    endedAt: { nullable: 'dateTime' },
    step: 'integer',
    steps: 'integer',
    stepInfo: 'string',
    percent: 'integer',
    errorCode: nullableString,
    errorDetail: nullableString,
    errorMessage: nullableString,
    bytesWritten: { nullable: 'integer' },
  },
} as const satisfies Shape;

export const getStatusResult = { oneOf: [operationStatus, { object: { operations: { array: operationStatus } } }] } as const satisfies Shape;

/** removeStatus: what became of each id; a refused one carries the error a request would (errorShape). */
export const removeStatusResult = {
  object: {
    operations: {
      array: {
        object: { operationId: 'string', removed: 'boolean', state: operationStatus.object.state, error: errorShape },
        optional: ['state', 'error'],
      },
    },
  },
} as const satisfies Shape;

export const getBootImagesResult = {
  object: {
    bootImages: {
      array: {
        object: {
          siteCode: 'string',
          packageId: 'string',
          name: 'string',
          architecture: 'string',
          sourceVersion: 'integer',
          wimPath: nullableString,
          distributionPoints: { array: 'string' },
          wimPaths: { array: 'string' },
          wimArchitecture: nullableString,
          wimImageName: nullableString,
          wimVersion: nullableString,
          problem: nullableString,
        },
      },
    },
  },
} as const satisfies Shape;

export const describeDiskResult = {
  object: {
    kind: { enum: ['device', 'image'] },
    path: 'string',
    sizeBytes: 'integer',
    model: nullableString,
    transport: nullableString,
    removable: 'boolean',
    exists: 'boolean',
    description: 'string',
  },
} as const satisfies Shape;

/** What a creation and its check (-WhatIf) both report about the media. */
const mediaFields = {
  mediaType: { enum: ['CD', 'UFD', 'UFD+FORMAT'] },
  destinationPath: 'string',
  bootImageId: 'string',
  mediaGuid: 'string',
  certificateThumbprint: 'string',
  certificateNotAfter: 'dateTime',
  /** DER of the media certificate's public part, base64. */
  certificate: 'string',
  firmware: { array: { enum: ['BIOS', 'UEFI'] } },
  mediaLabel: 'string',
} as const;

export const createBootMediaResult = {
  /** logPath: the CMTrace log the creation wrote to (docs/logging.md); missing when the default log could not be written. */
  object: { operationId: 'string', ...mediaFields, bytesWritten: 'integer', durationMs: 'integer', logPath: 'string' },
  optional: ['logPath'],
} as const satisfies Shape;

export const checkBootMediaResult = {
  object: { ...mediaFields, sizeBytes: 'integer', destination: 'string', erases: 'boolean' },
} as const satisfies Shape;

/** Test-CMBootMedia's BootMediaInfo (docs/readback.md). */
export const inspectMediaResult = {
  object: {
    path: 'string',
    container: { enum: ['iso', 'disk', 'folder'] },
    fileSystem: 'string',
    mediaType: nullableString,
    label: nullableString,
    mediaGuid: nullableString,
    siteCode: nullableString,
    managementPoints: { array: 'string' },
    mediaMode: { nullable: { enum: ['Static', 'Dynamic'] } },
    bootImageId: nullableString,
    bootImageVersion: { nullable: 'integer' },
    architecture: nullableString,
    biosBootable: 'boolean',
    uefiBootable: 'boolean',
    passwordProtected: { nullable: 'boolean' },
    unattended: { nullable: 'boolean' },
    certificateThumbprint: nullableString,
    certificateNotAfter: { nullable: 'dateTime' },
    creator: nullableString,
    filesVerified: 'integer',
    problems: { array: 'string' },
    notes: { array: 'string' },
    isValid: 'boolean',
  },
} as const satisfies Shape;

/** New-CMBootMediaSiteCatalog: what was written (docs/live-site.md). */
export const writeSiteCatalogResult = {
  object: {
    path: 'string',
    siteCode: 'string',
    siteName: nullableString,
    managementPoints: { array: 'string' },
    defaultManagementPoint: 'string',
    bootImages: { array: { object: { packageId: 'string', name: 'string', architecture: 'string', sourceVersion: 'integer', distributionPoints: { array: 'string' } } } },
    distributionPoints: { array: { object: { name: 'string', contentLibrary: 'string' } } },
    certificateFiles: { array: 'string' },
  },
} as const satisfies Shape;

/** The connection options passed the SDK's checks (a failure is the error message). */
export const checkConnectionOptionsResult = { object: {} } as const satisfies Shape;

export const cancelResult = { object: { canceled: 'boolean' } } as const satisfies Shape;

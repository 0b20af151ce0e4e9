import type { DiskFacts, VolumeFacts } from '../usb/index.js';
import type { MediaType } from './write-media.js';

/**
 * A creation as the media layer takes it: the cmdlet's parameters in camelCase (docs/module.md),
 * checked and converted by the protocol (protocol/command-params.ts declares the same fields).
 */
export interface CreateBootMediaParams {
  mediaType: MediaType;
  destinationPath: string;
  bootImageId: string;
  siteCatalog: string;
  mediaPassword?: string | undefined;
  certificatePath?: string | undefined;
  certificatePassword?: string | undefined;
  certificateValidStart?: Date | undefined;
  certificateValidEnd?: Date | undefined;
  mediaLabel?: string | undefined;
  variables?: Record<string, string> | undefined;
  /** The console media wizard's options (docs/media.md, "Options"). */
  mediaMode?: 'Static' | 'Dynamic' | undefined;
  managementPoints?: string[] | undefined;
  distributionPoint?: string | undefined;
  allowUnknownMachine?: boolean | undefined;
  allowUnattended?: boolean | undefined;
  prestartCommand?: string | undefined;
  prestartFolder?: string | undefined;
  noPrompt?: boolean | undefined;
  bootEx?: boolean | undefined;
  connectionOptions?: Record<string, string> | undefined;
  force?: boolean | undefined;
  /** UFD+FORMAT to a new disk image file: its size. */
  imageSizeBytes?: number | undefined;
  /** UFD+FORMAT: let a loop device count as a removable disk (labs and tests; never the default). */
  allowLoopDevices?: boolean | undefined;
  /** UFD+FORMAT to a Windows disk: its facts as the module read them (the engine does not query Windows). */
  disk?: DiskFacts | undefined;
  /** UFD on Windows: the volume's facts as the module read them with Get-Volume (docs/usb.md "UFD on Windows"). */
  volume?: VolumeFacts | undefined;
}

/** What says what a UFD+FORMAT destination is (describeDisk). */
export type DescribeDiskParams = Pick<CreateBootMediaParams, 'destinationPath' | 'imageSizeBytes' | 'allowLoopDevices' | 'disk'>;

/**
 * Rules across createBootMedia's parameters, and the validity of a given PFX (docs/protocol.md
 * "createBootMedia: combinations"). A parameter the chosen media type would ignore is an error,
 * not a silent no-op: a script that passes it expects it to do something.
 */
import { CmTsError } from '../errors/index.js';
import type { MediaCertificate } from '../certs/index.js';

interface Combination {
  mediaType: string;
  certificatePath?: string | undefined;
  certificatePassword?: string | undefined;
  certificateValidStart?: Date | undefined;
  certificateValidEnd?: Date | undefined;
  imageSizeBytes?: number | undefined;
  allowLoopDevices?: boolean | undefined;
}

export function checkCombinations(params: Combination): void {
  const refuse = (detail: string): never => {
    throw new CmTsError('E_INVALIDARG', detail);
  };
  if (params.certificatePassword !== undefined && params.certificatePath === undefined) refuse('parameter certificatePassword applies only with certificatePath (the PFX it opens)');
  if (params.certificatePath !== undefined) {
    if (params.certificateValidStart !== undefined) refuse('parameter certificateValidStart applies only to a self-signed certificate; a PFX given with certificatePath has its own validity');
    if (params.certificateValidEnd !== undefined) refuse('parameter certificateValidEnd applies only to a self-signed certificate; a PFX given with certificatePath has its own validity');
  }
  if (params.mediaType !== 'UFD+FORMAT') {
    if (params.imageSizeBytes !== undefined) refuse(`parameter imageSizeBytes applies only to mediaType UFD+FORMAT (a new disk image file), not ${params.mediaType}`);
    if (params.allowLoopDevices !== undefined) refuse(`parameter allowLoopDevices applies only to mediaType UFD+FORMAT, not ${params.mediaType}`);
  }
}

/**
 * A PFX whose certificate has expired makes media the management point refuses: an error. One not
 * yet valid makes media that work from that date: a warning (media prepared ahead are legitimate).
 */
export function checkPfxValidity(certificate: MediaCertificate, origin: string, now: Date, warn: (message: string) => void): void {
  if (certificate.notAfter.getTime() <= now.getTime()) {
    throw new CmTsError('CMTSMEDIA_E_CERTIFICATE', `${origin}: its certificate expired on ${certificate.notAfter.toISOString()}; media need one that is valid`);
  }
  if (certificate.notBefore.getTime() > now.getTime()) {
    warn(`The certificate in ${origin} is not valid before ${certificate.notBefore.toISOString()}: the media cannot reach the management point until then.`);
  }
}

import { access } from 'node:fs/promises';
import { CmTsError, fromSystemError } from '../errors/index.js';
import type { Params } from '../protocol/params.js';
import type { RequestContext } from '../protocol/server.js';

export const mediaTypes = ['CD', 'UFD', 'UFD+FORMAT'] as const;

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
} as const;

export type CreateBootMediaParams = Params<typeof createBootMediaParams>;

export async function createBootMedia(params: CreateBootMediaParams, _context: RequestContext): Promise<never> {
  await access(params.siteCatalog).catch((err: unknown) => {
    throw fromSystemError(err, params.siteCatalog);
  });
  throw new CmTsError('E_NOTIMPL', `media type ${params.mediaType}: media creation lands with the media pipeline`);
}

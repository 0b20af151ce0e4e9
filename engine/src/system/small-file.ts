import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { CmTsError, fromSystemError } from '../errors/index.js';

/**
 * Reads a small input file (a site catalog, a certificate, a PFX) whole. Only a regular file of at
 * most `maxBytes` is read: a device such as /dev/zero or a pipe would otherwise never end, and a
 * huge file would exhaust memory. Either is E_INVALIDARG naming `what` and the path.
 */
export async function readSmallFile(path: string, what: string, maxBytes = 16 * 2 ** 20): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch((err: unknown) => {
    throw fromSystemError(err, path);
  });
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new CmTsError('E_INVALIDARG', `${what} ${path} is a folder, not a file`);
    if (!info.isFile()) throw new CmTsError('E_INVALIDARG', `${what} ${path} is not a regular file`);
    if (info.size > maxBytes) throw new CmTsError('E_INVALIDARG', `${what} ${path} has ${info.size} bytes, more than the ${maxBytes} such a file can have`);
    return await handle.readFile();
  } catch (err) {
    throw fromSystemError(err, path);
  } finally {
    await handle.close();
  }
}

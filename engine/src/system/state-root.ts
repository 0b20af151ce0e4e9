import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CmTsError } from '../errors/index.js';
import { folderProblem } from './trust.js';

/**
 * The per-user state folder: CMTSMEDIA_STATE_DIR, else %LOCALAPPDATA%\CmTsMedia on Windows, else
 * $XDG_STATE_HOME/cmtsmedia or ~/.local/state/cmtsmedia. Created private to the user (0700). One
 * that is a symlink, owned by another user or writable by others is refused (system/trust.ts): the
 * engine acts on what it finds there.
 */
export function stateRoot(): string {
  const env = process.env;
  const root =
    env.CMTSMEDIA_STATE_DIR ||
    (process.platform === 'win32' && env.LOCALAPPDATA
      ? join(env.LOCALAPPDATA, 'CmTsMedia')
      : join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'cmtsmedia'));
  return privateFolder(root);
}

export function stateFolder(name: 'operations' | 'locks' | 'staging' | 'logs' | 'cache'): string {
  return privateFolder(join(stateRoot(), name));
}

function privateFolder(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const problem = folderProblem(path);
  if (problem) throw new CmTsError('E_ACCESSDENIED', `the state folder ${path} ${problem}; the engine keeps operation records there and trusts only a folder private to this user (chmod 700 it, or set CMTSMEDIA_STATE_DIR to one that is)`);
  return path;
}

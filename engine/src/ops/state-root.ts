import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user state folder: CMTSMEDIA_STATE_DIR, else %LOCALAPPDATA%\CmTsMedia on Windows, else
 * $XDG_STATE_HOME/cmtsmedia or ~/.local/state/cmtsmedia. Created private to the user (0700).
 */
export function stateRoot(): string {
  const env = process.env;
  const root =
    env.CMTSMEDIA_STATE_DIR ||
    (process.platform === 'win32' && env.LOCALAPPDATA
      ? join(env.LOCALAPPDATA, 'CmTsMedia')
      : join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'cmtsmedia'));
  mkdirSync(root, { recursive: true, mode: 0o700 });
  return root;
}

export function stateFolder(name: 'operations' | 'locks' | 'staging' | 'logs'): string {
  const folder = join(stateRoot(), name);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return folder;
}

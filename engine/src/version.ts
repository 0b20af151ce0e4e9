import packageJson from '../../package.json' with { type: 'json' };
import { protocolVersion } from './protocol/server.js';

export const engineVersion: string = packageJson.version;

export function engineFacts() {
  return { protocol: protocolVersion, engineVersion, node: process.version, platform: process.platform, arch: process.arch };
}

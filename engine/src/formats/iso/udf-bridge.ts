/**
 * The UDF side of the bridge: the contract in engine/src/formats/udf/index.ts, seen from the ISO
 * planner (docs/iso.md has the sector map).
 */
import type { TreeDir } from '../tree.js';
import { udfFixedLbas, UdfPlan } from '../udf/index.js';

export type UdfPart = Pick<UdfPlan, 'metadataSectors' | 'assign' | 'fixedSectors' | 'metadataChunks'>;

export const udfAnchorLba: number = udfFixedLbas.anchor;

export const udfBridge: ((root: TreeDir, options: { volumeIdentifier: string; timestamp: Date }) => UdfPart) | null = (root, options) =>
  new UdfPlan(root, options);

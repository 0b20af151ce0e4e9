/** Reading boot image WIMs: metadata, listing and streamed extraction (XPRESS, LZX). docs/wim.md. */
export { WimReader, type WimEntry, type WimImage, type WimInfo } from './reader.js';
export type { WimArchitecture, WimImageInfo } from './xml.js';
export type { WimCompression } from './header.js';
export { checkArchitecture, efiBootFileName, type MediaArchitecture } from './arch.js';

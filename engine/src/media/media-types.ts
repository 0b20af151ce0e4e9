/** The media a creation writes: New-CMBootMedia -MediaType (docs/media.md). A module of its own so
 * that the protocol's parameter declarations name them without loading the writers. */
export const mediaTypes = ['CD', 'UFD', 'UFD+FORMAT'] as const;
export type MediaType = (typeof mediaTypes)[number];

export { planIso, udfVolumeIdentifier, maxExtentBytes, type IsoBootOptions, type IsoOptions, type IsoPlan } from './plan.js';
export { writeIso, type WriteIsoOptions } from './write.js';

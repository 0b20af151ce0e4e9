export { planIso, udfVolumeIdentifier, maxExtentBytes, type IsoBootOptions, type IsoOptions, type IsoPlan } from './plan.js';
export { writeIso } from './write.js';

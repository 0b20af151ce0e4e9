export { fatVolumeLabel, shortNameChecksum, assignFatName } from './names.js';
export { fatGeometry, planFatDisk, partitionStartLba, maxFat32FileBytes, type FatDiskOptions, type FatDiskPlan, type FatFilePlan, type FatGeometry } from './plan.js';
export { writeFatDisk } from './write.js';
export { fatBpbCommon, fat32BootSector, minFat32Clusters } from './structures.js';

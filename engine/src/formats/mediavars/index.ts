export * from './variablesDat.js';
export * from './mediaVariables.js';
export * from './textFiles.js';

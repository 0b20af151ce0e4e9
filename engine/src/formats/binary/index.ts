export * from './codec.js';
export * from './sink.js';

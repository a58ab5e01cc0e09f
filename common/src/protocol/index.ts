export * from './errors';
export * from './file-entry';
export * as limits from './limits';
export * from './messages';
export * from './parse';
export * from './room-pages';
export * from './shapes';
export * from './text';
export * from './file-budget';

export * from './display-name';
export * from './file-list';

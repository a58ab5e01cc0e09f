export * from './chunk-set';
export * from './download';
export * from './framing';
export * from './links';
export * from './ports';
export * from './progress';
export * from './upload';
export * from './service';

export * from './errors/index.ts';
export * from './tensor.ts';
export * from './model/index.ts';

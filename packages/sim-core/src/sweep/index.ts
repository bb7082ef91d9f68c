export * from './expand.ts';
export * from './paths.ts';
export * from './run-job.ts';
export * from './schema.ts';
export * from './stats.ts';
export * from './tables.ts';

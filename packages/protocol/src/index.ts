export * from './control.ts';
export * from './frames.ts';
export * from './lenses.ts';
export * from './version.ts';
export * from './rest.ts';

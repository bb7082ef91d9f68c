export * from './control.ts';
export * from './frames.ts';
export * from './version.ts';
export * from './page-bits.ts';

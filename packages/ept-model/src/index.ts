export * from './counters.ts';
export * from './events.ts';
export * from './kvm-mmu.ts';
export * from './kvm-stats.ts';
export * from './policy.ts';
export * from './policies/index.ts';
export * from './rmap.ts';

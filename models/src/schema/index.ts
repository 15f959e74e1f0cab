export * from './actions.ts';
export * from './anomaly.ts';
export * from './event.ts';
export * from './label.ts';
export * from './rollback.ts';
export * from './validate.ts';

export { type AuditEntry, type AuditRecord, AuditRepo } from './audit.ts';
export { type Checkpoint, CheckpointRepo, type CheckpointStore } from './checkpoints.ts';
export { StateDb, type StateDbOptions } from './db.ts';
export { KvRepo } from './kv.ts';
export { MIGRATIONS, migrate, SchemaTooNewError } from './migrations.ts';
export {
  DEFAULT_SPOOL_LIMITS,
  SpoolFullError,
  type SpoolItem,
  type SpoolLimits,
  SpoolRepo,
  type SpoolStats,
} from './spool.ts';

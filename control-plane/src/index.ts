/** The control plane's public surface for the CLI, tests and the area plugins that come later. */
export { API_VERSION, type AppDeps, buildApp } from './app.ts';
export { ConfigError, loadConfig, testConfig } from './config/load.ts';
export type { Config } from './config/schema.ts';
export type { AuthLevel, Principal, VigilContext } from './context.ts';
export type { Db, Queryable, QueryResult } from './db/db.ts';
export { applyMigrations, MigrationError, migrationStatus } from './db/migrate.ts';
export { MIGRATIONS, type Migration } from './db/migrations/index.ts';
export { openDb } from './db/open.ts';
export { type AlertRecord, type EventName, type VigilEventMap, VigilEvents } from './events.ts';
export { checkStaleAgents, runRetention } from './housekeeping.ts';
export { ApiError } from './http/errors.ts';
export { ensureAdmin, openStore, type RunningServer, startServer } from './server.ts';
export { raiseAlert, resolveAlerts } from './store/alerts.ts';
export { insertAnomalies, queryAnomalies } from './store/anomalies.ts';
export type { AgentPrincipal } from './store/credentials.ts';
export { enforceRetention, RETENTION_RULES } from './store/retention.ts';

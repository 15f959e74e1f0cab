import { sql as initial } from './0001-initial.ts';
import { sql as registryActions } from './0002-registry-actions.ts';
import { sql as incidentsCorrelation } from './0003-incidents-correlation.ts';
import { sql as consoleIndexes } from './0004-console-indexes.ts';
import { sql as forecastCounts } from './0005-forecast-counts.ts';
import { sql as anomalyRollup } from './0006-anomaly-rollup.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration the code knows, in order. Append only; versions are consecutive from 1. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'registry-actions', sql: registryActions },
  { version: 3, name: 'incidents-correlation', sql: incidentsCorrelation },
  { version: 4, name: 'console-indexes', sql: consoleIndexes },
  { version: 5, name: 'forecast-counts', sql: forecastCounts },
  { version: 6, name: 'anomaly-rollup', sql: anomalyRollup },
];

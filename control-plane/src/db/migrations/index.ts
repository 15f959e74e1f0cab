import { sql as initial } from './0001-initial.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration the code knows, in order. Append only; versions are consecutive from 1. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial', sql: initial }];

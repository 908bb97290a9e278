import type { Migration } from 'kysely';
import * as core from './2026-11-22T0000-core';
import * as analytics from './2026-11-22T2000-analytics';

/** Every migration, in order. Frozen once landed: change the schema with a new file. */
export const migrations: Record<string, Migration> = {
  '2026-11-22T0000-core': core,
  '2026-11-22T2000-analytics': analytics,
};

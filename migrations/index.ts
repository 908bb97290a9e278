import type { Migration } from 'kysely';
import * as core from './2026-11-22T0000-core';
import * as ingest from './2026-11-22T0100-ingest';
import * as ingestFillfactor from './2026-11-22T0101-ingest-fillfactor';
import * as conversions from './2026-11-22T0300-conversions';
import * as analytics from './2026-11-22T2000-analytics';
import * as eventsSessionIndex from './2026-11-22T2100-events-session-index';
import * as visitorsMergedIndex from './2026-11-22T2200-visitors-merged-index';
import * as removals from './2026-12-02T1000-removals';
import * as consoleTables from './2026-12-02T1200-console';
import * as productsFeed from './2026-12-02T1600-products-feed';
import * as siteKeys from './2026-12-02T1601-site-keys';

/** Every migration, in order. Frozen once landed: change the schema with a new file. */
export const migrations: Record<string, Migration> = {
  '2026-11-22T0000-core': core,
  '2026-11-22T0100-ingest': ingest,
  '2026-11-22T0101-ingest-fillfactor': ingestFillfactor,
  '2026-11-22T0300-conversions': conversions,
  '2026-11-22T2000-analytics': analytics,
  '2026-11-22T2100-events-session-index': eventsSessionIndex,
  '2026-11-22T2200-visitors-merged-index': visitorsMergedIndex,
  '2026-12-02T1000-removals': removals,
  '2026-12-02T1200-console': consoleTables,
  '2026-12-02T1600-products-feed': productsFeed,
  '2026-12-02T1601-site-keys': siteKeys,
};

export {
  IMPRESSIONS_CHANNEL,
  type ImpressionAnnouncement,
  notifyVisitorChanges,
  parseImpressionAnnouncement,
  parseVisitorChanges,
  VISITOR_CHANGES_CHANNEL,
  visitorChangePayloads,
} from './changes';
export { createDb, createPool, type Db, type DbOptions } from './db';
export { MigrationError, migrateToLatest } from './migrate';
export {
  type Dropped,
  dropEventsBefore,
  ensureEventPartitions,
  eventPartitionsBefore,
  listEventPartitions,
  type MonthPartition,
  monthPartitionsFor,
} from './partitions';
export { MAX_MERGE_DEPTH, personOf } from './person';
export { newSiteKey, SITE_KEY_PREFIX, siteKeyHash, siteKeyMatches } from './site-keys';
export * from './types';
export { isUuid } from './uuid';

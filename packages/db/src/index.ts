export { createDb, createPool, type Db, type DbOptions } from './db';
export { MigrationError, migrateToLatest } from './migrate';
export { ensureEventPartitions, monthPartitionsFor } from './partitions';
export * from './types';

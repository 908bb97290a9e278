export { type EmbeddedPostgresInternals, startEmbeddedPostgres } from './embedded-postgres';
export { findOrStartServers, type Servers, withDatabase } from './find';
export { EmbeddedPostgresError, folderBlockingOthers, RELOCATED_ROOT } from './run-as-postgres';
export {
  freePort,
  postgresAnswers,
  type RedisServerOptions,
  redisAnswers,
  type Started,
  startRedisServer,
} from './servers';

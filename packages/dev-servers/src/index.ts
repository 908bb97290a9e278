export { findOrStartServers, type Servers, withDatabase } from './find';
export { EmbeddedPostgresError, folderBlockingOthers, RELOCATED_ROOT } from './run-as-postgres';
export {
  freePort,
  postgresAnswers,
  type RedisServerOptions,
  redisAnswers,
  type Started,
  startEmbeddedPostgres,
  startRedisServer,
} from './servers';

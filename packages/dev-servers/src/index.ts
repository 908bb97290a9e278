export { findOrStartServers, type Servers, withDatabase } from './find';
export {
  freePort,
  postgresAnswers,
  type RedisServerOptions,
  redisAnswers,
  type Started,
  startEmbeddedPostgres,
  startRedisServer,
} from './servers';

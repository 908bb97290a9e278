export {
  freePort,
  postgresAnswers,
  type RedisServerOptions,
  redisAnswers,
  type Started,
  startEmbeddedPostgres,
  startRedisServer,
} from './servers';

export {
  freePort,
  postgresAnswers,
  redisAnswers,
  type Started,
  startEmbeddedPostgres,
  startRedisServer,
} from './servers';

export {
  freePort,
  postgresAnswers,
  type RedisServerOptions,
  redisAnswers,
  type Started,
  startEmbeddedPostgres,
  startRedisServer,
} from '@rt/dev-servers';
export { createTestEnv, type TestEnv } from './env';
export { type NodeRun, runNode } from './run-node';
export { insertImpression } from './seed';

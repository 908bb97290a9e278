export { createTestEnv, type TestEnv } from './env';
export { freePort, postgresAnswers, redisAnswers, startEmbeddedPostgres, startRedisServer } from './servers';

export { freePort, postgresAnswers, redisAnswers, startEmbeddedPostgres, startRedisServer } from '@rt/dev-servers';
export { createTestEnv, type TestEnv } from './env';

// Every entry point, started with a bad environment variable, stops with one line naming it and
// exit code 1: no uncaught ConfigError stack (docs/operations.md).
import { join } from 'node:path';
import { createTestEnv, runNode, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

const run = (args: string[], cwd: string, env: Record<string, string>) => runNode(args, { cwd, env });

const tsx = (file: string) => ['--import', 'tsx', file];
// [entry point, what its line starts with, node arguments, cwd]
const ENTRY_POINTS: Array<[name: string, prefix: string, args: string[], cwd: string]> = [
  ['pixel', 'pixel', tsx('src/main.ts'), join(ROOT, 'services/pixel')],
  ['ingester', 'ingester', tsx('src/main.ts'), join(ROOT, 'services/ingester')],
  ['ads', 'ads', tsx('src/main.ts'), join(ROOT, 'services/ads')],
  ['demo', 'demo', tsx('src/main.ts'), join(ROOT, 'demo')],
  ['npm start', 'rt', tsx('infra/dev/start.ts'), ROOT],
  ['the rt CLI', 'error', [join(ROOT, 'packages/cli/bin/rt.js'), 'sites', 'list'], ROOT],
];

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('a bad environment variable', { timeout: 120_000 }, () => {
  it.each(ENTRY_POINTS)('stops %s with one line naming it', async (_name, prefix, args, cwd) => {
    const r = await run(args, cwd, { DATABASE_URL: env.databaseUrl, LOG_LEVEL: 'loud', PIXEL_PORT: '70000' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${prefix}: invalid environment variables PIXEL_PORT: .+; LOG_LEVEL: .+$`));
    expect(r.stderr).not.toMatch(/\n\s+at |ConfigError/);
  });

  it('never echoes the value (it may be a secret)', async () => {
    const r = await run(tsx('src/main.ts'), join(ROOT, 'services/pixel'), {
      DATABASE_URL: 'mysql://user:hunter2-secret@db/x',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'pixel: invalid environment variable DATABASE_URL: must be a postgres:// connection string',
    );
  });
});

// DATA_DIR (spool, dev secret) is one folder for every service and the CLI, however started.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, repoRoot } from '@rt/config';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const relative = `.data/test-data-dir-${randomBytes(4).toString('hex')}`;

/** What a process started in `cwd` takes DATA_DIR and the dev secret to be. */
function seenFrom(cwd: string): { dir: string; secret: string } {
  const script = `import { dataDir, loadConfig, loadOrCreateSecret } from '@rt/config';
const config = loadConfig();
console.log(JSON.stringify({ dir: dataDir(config), secret: loadOrCreateSecret(config) }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, DATA_DIR: relative },
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  rmSync(join(ROOT, relative), { recursive: true, force: true });
  await env.close();
});

describe('DATA_DIR', { timeout: 90_000 }, () => {
  it('is the repository root holding the workspaces', () => {
    expect(repoRoot()).toBe(ROOT);
  });

  it('means the same folder, and the same dev secret, whichever workspace a service starts from', () => {
    const fromRoot = seenFrom(ROOT);
    expect(fromRoot.dir).toBe(join(ROOT, relative));
    expect(seenFrom(join(ROOT, 'services/pixel'))).toEqual(fromRoot);
    expect(seenFrom(join(ROOT, 'services/ads'))).toEqual(fromRoot);
  });

  it('keeps an absolute DATA_DIR as it is', () => {
    expect(loadConfig({ DATA_DIR: '/var/lib/rt' }).DATA_DIR).toBe('/var/lib/rt');
    expect(loadConfig({}).DATA_DIR).toBe(join(ROOT, '.data'));
  });
});

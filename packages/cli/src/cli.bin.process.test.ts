// bin/rt.js chooses between the build and the source: the build when it is there and no source
// it lists changed after it, else the source through tsx. Checked on a copy of the bin beside a
// stand-in dist/ and src/ whose programs say which one ran.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Inside the repository, so the copy resolves tsx from its node_modules as the real bin does.
const dir = mkdtempSync(join(import.meta.dirname, '..', '.bin-test-'));
const run = (env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(dir, 'bin', 'rt.js')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 60_000,
  }).stdout.trim();

function lay(opts: { dist: boolean; sourceNewer?: boolean; inputs?: string[] }) {
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  if (opts.dist) {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'main.js'), "console.log('dist');\n");
    writeFileSync(join(dir, 'dist', 'inputs.json'), JSON.stringify(opts.inputs ?? ['src/main.ts', 'src/lib.ts']));
  }
  const now = Date.now() / 1000;
  const built = opts.sourceNewer ? now - 60 : now;
  if (opts.dist) utimesSync(join(dir, 'dist', 'main.js'), built, built);
  const source = opts.sourceNewer ? now : now - 60;
  for (const f of ['main.ts', 'lib.ts']) utimesSync(join(dir, 'src', f), source, source);
}

beforeAll(async () => {
  await (await createTestEnv()).close(); // every test file has its env; this one needs files only
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'src'));
  copyFileSync(join(import.meta.dirname, '..', 'bin', 'rt.js'), join(dir, 'bin', 'rt.js'));
  writeFileSync(join(dir, 'src', 'lib.ts'), "export const from: string = 'source';\n");
  writeFileSync(join(dir, 'src', 'main.ts'), "import { from } from './lib.ts';\nconsole.log(from);\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/rt.js', { timeout: 60_000 }, () => {
  it('runs the build when it is fresh', () => {
    lay({ dist: true });
    expect(run()).toBe('dist');
  });

  it('runs the source when a source changed after the build, or when there is no build', () => {
    lay({ dist: true, sourceNewer: true });
    expect(run()).toBe('source');
    lay({ dist: false });
    expect(run()).toBe('source');
  });

  it('runs the source when RT_FROM_SOURCE=1, whatever the build', () => {
    lay({ dist: true });
    expect(run({ RT_FROM_SOURCE: '1' })).toBe('source');
  });

  it('trusts the build when its sources are not shipped (an image)', () => {
    lay({ dist: true, inputs: ['src/gone.ts'] });
    expect(run()).toBe('dist');
  });
});

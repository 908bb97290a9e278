// No container engine runs here: the image is checked by parsing its Dockerfile with
// dockerfile-ast (the parser behind the Docker language server) and by running its entrypoint
// and healthcheck scripts, which are plain files in the repository.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEnv } from '@rt/testkit';
import { DockerfileParser, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const text = readFileSync(join(root, 'infra/docker/Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);

/** Instructions per stage, by the stage's name (FROM ... AS name). */
function stages(): Map<string, Instruction[]> {
  const out = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const name = dockerfile.getFROMs().find((f) => f.getRange().start.line === i.getRange().start.line);
      current = [];
      out.set(name?.getBuildStage() ?? `#${out.size}`, current);
    }
    current?.push(i);
  }
  return out;
}

const runs = (list: Instruction[]) =>
  list.filter((i) => i.getKeyword() === 'RUN').map((i) => (i.getArgumentsContent() ?? '').replace(/\\\s*\n\s*/g, ' '));
const jsonArgs = (i: Instruction) => (i as JSONInstruction).getJSONStrings().map((s) => s.getJSONValue());

beforeAll(async () => {
  // Every test file gets its own environment; this one needs none beyond the files themselves.
  await (await createTestEnv()).close();
});

describe('infra/docker/Dockerfile', () => {
  const all = stages();
  const build = all.get('build') ?? [];
  const runtime = all.get('runtime') ?? [];

  it('is a multi-stage build whose final stage copies only from the build stage', () => {
    expect([...all.keys()]).toEqual(['build', 'runtime']);
    const lines = new Set(runtime.map((i) => i.getRange().start.line));
    const copies = dockerfile.getCOPYs().filter((c) => lines.has(c.getRange().start.line));
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) {
      expect(
        c
          .getFlags()
          .find((f) => f.getName() === 'from')
          ?.getValue(),
      ).toBe('build');
      // The code stays root's: the unprivileged process cannot rewrite what it runs.
      expect(c.getFlags().find((f) => f.getName() === 'chown')).toBeUndefined();
    }
  });

  it('installs from the lockfile and builds with the commands CI and the tests run', () => {
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    const ciInstall = /^npm ci.*$/m.exec(ci)?.[0];
    expect(ciInstall).toBeDefined();
    const steps = runs(build);
    expect(steps).toContain(ciInstall);
    // The production test (test/production.process.test.ts) builds with this same script.
    expect(steps).toContain('npm run build');
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.build).toBe('node infra/build/build.mjs');
    // Dependencies come from the lockfile only (installing npm itself aside); no build but the script.
    expect(steps.join('\n')).not.toMatch(/npm (install|i) (?!-g npm@\$\{NPM_VERSION\}$)|esbuild|tsc /m);
    expect(steps.indexOf(ciInstall as string)).toBeLessThan(steps.indexOf('npm run build'));
  });

  it('prunes dev dependencies before the runtime stage takes node_modules', () => {
    const steps = runs(build);
    const prune = steps.findIndex((s) => /npm prune --omit=dev\b/.test(s));
    expect(prune).toBeGreaterThan(steps.indexOf('npm run build'));
  });

  it('runs as a non-root user, in production mode, never through tsx', () => {
    const users = runtime.filter((i) => i.getKeyword() === 'USER').map((i) => i.getArgumentsContent());
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    // Nothing runs as root after the switch.
    const lastUser = runtime.findLastIndex((i) => i.getKeyword() === 'USER');
    expect(runtime.slice(lastUser).filter((i) => i.getKeyword() === 'RUN')).toEqual([]);
    const env = Object.fromEntries(
      dockerfile
        .getENVs()
        .filter((e) => runtime.includes(e))
        .flatMap((e) => e.getProperties().map((p) => [p.getName(), p.getValue()])),
    );
    expect(env.NODE_ENV).toBe('production');
    expect(text).not.toMatch(/\btsx\b/);
  });

  it('has a HEALTHCHECK in exec form and an exec-form ENTRYPOINT that lets SIGTERM reach node', () => {
    const health = dockerfile.getHEALTHCHECKs();
    expect(health).toHaveLength(1);
    expect(health[0]?.getArgumentsContent()).toMatch(/CMD \["node", "\/app\/infra\/docker\/healthcheck\.mjs"\]/);
    const entry = dockerfile.getENTRYPOINTs();
    expect(entry).toHaveLength(1);
    const args = jsonArgs(entry[0] as Instruction);
    expect(args[0]).toBe('/usr/bin/tini');
    expect(args.at(-1)).toBe('/app/infra/docker/entrypoint.sh');
    expect(runs(runtime).join('\n')).toMatch(/apt-get install .*\btini\b/);
    // The entrypoint replaces itself with node, so tini signals node and not a shell.
    const script = readFileSync(join(root, 'infra/docker/entrypoint.sh'), 'utf8');
    const starts = script.split('\n').filter((l) => /\bnode\b/.test(l) && !l.trim().startsWith('#'));
    expect(starts.length).toBeGreaterThan(0);
    for (const l of starts) expect(l).toMatch(/\bexec node /);
    const stop = dockerfile.getInstructions().find((i) => i.getKeyword() === 'STOPSIGNAL');
    expect(stop?.getArgumentsContent()).toBe('SIGTERM');
  });

  it('has a .dockerignore that keeps local installs, builds and data out', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['**/node_modules', '**/dist', '.git', '.data']) expect(ignore).toContain(p);
    expect(ignore.some((l) => l.includes('package-lock'))).toBe(false);
  });
});

describe('the entrypoint and healthcheck scripts', () => {
  it('refuses an unknown role with the list of roles', () => {
    const r = spawnSync(join(root, 'infra/docker/entrypoint.sh'), ['frobnicate'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/roles: .*\bads\b.*\bconsole\b.*\bingester\b.*\bpixel\b.*migrate rt demo/);
  });

  it('reports unhealthy when nothing answers, healthy for one-shot roles', () => {
    const health = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(root, 'infra/docker/healthcheck.mjs')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...env },
      });
    const down = health({ RT_ROLE: 'pixel', PIXEL_PORT: '1' });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('127.0.0.1:1/healthz');
    expect(health({ RT_ROLE: 'migrate' }).status).toBe(0);
  });
});

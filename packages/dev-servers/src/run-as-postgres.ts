import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmdirSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Run as root, initdb and postgres run as the unprivileged system user `postgres` (PostgreSQL
 * refuses root). That user must be able to enter every folder above the binaries and the data,
 * and the folder it is started in. A root checkout or a `mktemp -d` data folder is mode 700: this
 * module finds such a folder and moves the data out of it (native-copy.ts does the binaries).
 */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/**
 * Where clusters go whose DATA_DIR the `postgres` user cannot enter (linked from DATA_DIR/pg), and
 * copies of binaries it cannot reach.
 */
export const RELOCATED_ROOT = '/var/lib/retarget-embedded-postgres';

/** The first folder on the way to `path` that other users cannot enter, or null when none. */
export function folderBlockingOthers(path: string): string | null {
  const parts: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    parts.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of parts) {
    if (!existsSync(dir)) return null; // created later, by us, traversable
    const st = statSync(dir);
    if (st.isDirectory() && (st.mode & 0o001) === 0) return dir;
  }
  return null;
}

const mode = (dir: string) => (statSync(dir).mode & 0o777).toString(8);

/**
 * The folder to give embedded-postgres for `dir`: `dir` itself when the `postgres` user can reach
 * it, else a folder of its own under `root`, linked from `dir` so DATA_DIR still shows
 * where the cluster is (and the same one is found again next time).
 */
export function reachableDataDir(dir: string, log: (msg: string) => void, root = RELOCATED_ROOT): string {
  const wanted = resolve(dir);
  if (isLink(wanted)) {
    // Linked by an earlier start (or by the operator): the cluster is where the link points. The
    // cluster's own folder is the postgres user's, mode 700 as PostgreSQL wants: only its parents count.
    const target = resolve(dirname(wanted), readlinkSync(wanted));
    const blocker = folderBlockingOthers(dirname(target));
    if (!blocker) return target;
    throw new EmbeddedPostgresError(
      `${wanted} links to ${target}, which the "postgres" user cannot enter (${blocker} is mode ${mode(blocker)}): ` +
        'remove the link and start again',
    );
  }
  const blocker = folderBlockingOthers(dirname(wanted));
  if (!blocker) return wanted;
  if (existsSync(wanted)) {
    if (readdirSync(wanted).length > 0) {
      throw new EmbeddedPostgresError(
        `the "postgres" user cannot enter ${blocker} (mode ${mode(blocker)}) to reach the cluster in ${wanted}: ` +
          `make ${blocker} enterable (chmod o+x), or set DATA_DIR to a folder other users can enter`,
      );
    }
    rmdirSync(wanted); // an empty folder left by an earlier attempt
  }
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const target = join(root, `pg-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`);
  mkdirSync(dirname(wanted), { recursive: true });
  symlinkSync(target, wanted);
  log(
    `the "postgres" user cannot enter ${blocker} (mode ${mode(blocker)}), so the embedded cluster lives in ${target}, linked from ${wanted}`,
  );
  return target;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Runs `fn` with the cwd at `/`: a child started as `postgres` must be able to enter its cwd. */
export async function inEnterableCwd<T>(fn: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir('/');
  try {
    return await fn();
  } finally {
    process.chdir(cwd);
  }
}

import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { EmbeddedPostgresError, folderBlockingOthers } from './run-as-postgres';

/**
 * Run as root, PostgreSQL runs as the `postgres` user, which cannot run binaries inside a folder
 * it cannot enter (a root checkout, a `mktemp -d` clone). Such a checkout gets a copy of its
 * platform package's `native` folder (bin, lib, share) under `root`, made once per package
 * version, so an upgrade gets a fresh copy and a half-made copy is never used.
 */
export function reachableNativeDir(packageDir: string, root: string, log: (msg: string) => void): string {
  const native = join(packageDir, 'native');
  const blocker = folderBlockingOthers(native);
  if (!blocker) return native;
  const { name, version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const copy = join(root, `native-${name.replace(/^@/, '').replace(/\//g, '-')}-${version}`);
  const why = `the "postgres" user cannot enter ${blocker} (mode ${(lstatSync(blocker).mode & 0o777).toString(8)})`;
  if (existsSync(copy)) {
    log(`${why}, so the embedded PostgreSQL runs from the copy of its binaries in ${copy}`);
    return copy;
  }
  const temp = `${copy}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(root, { recursive: true, mode: 0o755 });
    chmodSync(root, 0o755);
    // Symlinks stay symlinks (lib/libpq.so.5 -> libpq.so.5.18); files keep their modes.
    cpSync(native, temp, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    openToOthers(temp);
    renameSync(temp, copy);
  } catch (err) {
    if (existsSync(temp)) rmSync(temp, { recursive: true, force: true });
    // Another start made the same copy meanwhile: theirs is as good.
    if (existsSync(copy)) return copy;
    throw new EmbeddedPostgresError(
      `${why} to run the embedded PostgreSQL, and copying its binaries to ${copy} failed (${(err as Error).message}): ` +
        'put the repository where other users can enter (e.g. /srv or /opt), or set DATABASE_URL to a PostgreSQL you run',
    );
  }
  log(`${why}, so the embedded PostgreSQL binaries were copied to ${copy}`);
  return copy;
}

/** Readable by all; folders and executables enterable/runnable by all (as `chmod -R a+rX`). */
function openToOthers(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  const mode = st.mode & 0o777;
  const x = st.isDirectory() || mode & 0o100 ? 0o555 : 0o444;
  chmodSync(path, mode | x);
  if (st.isDirectory()) for (const entry of readdirSync(path)) openToOthers(join(path, entry));
}

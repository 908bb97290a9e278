import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, invalidEnvironment } from './config';
import { resolveDataDir } from './root';

/** The data folder, created if missing (a relative DATA_DIR is relative to the repository root). */
export function dataDir(config: Pick<Config, 'DATA_DIR'>): string {
  const dir = resolveDataDir(config.DATA_DIR);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** SECRET from the environment, else one generated once and kept under the data dir (dev only). */
export function loadOrCreateSecret(config: Pick<Config, 'SECRET' | 'DATA_DIR' | 'NODE_ENV'>): string {
  if (config.SECRET) return config.SECRET;
  // Instances of one deployment must share the secret that signs ad URLs: never one of their own.
  if (config.NODE_ENV === 'production') throw invalidEnvironment([['SECRET', 'required in production']]);
  const file = join(dataDir(config), 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process created it first: theirs wins.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    return readFileSync(file, 'utf8').trim();
  }
}

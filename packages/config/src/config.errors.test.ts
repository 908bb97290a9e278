import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, loadConfig } from './config';
import { loadOrCreateSecret } from './secret';

const SECRET = 'a-production-secret-of-32-characters-or-more';
const DATABASE_URL = 'postgres://rt@db.internal:5432/rt';

const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('loadConfig accepted it');
};

describe('production refuses what development invents', () => {
  it('names DATABASE_URL and SECRET when missing, on one line', () => {
    expect(fails({ NODE_ENV: 'production', SECRET })).toBe(
      'invalid environment variable DATABASE_URL: required in production',
    );
    expect(fails({ NODE_ENV: 'production', DATABASE_URL })).toBe(
      'invalid environment variable SECRET: required in production',
    );
    const both = fails({ NODE_ENV: 'production' });
    expect(both).toBe(
      'invalid environment variables DATABASE_URL: required in production; SECRET: required in production',
    );
    expect(both).not.toContain('\n');
    // Empty counts as unset, as a .env file or a manifest with `value: ""` produces.
    expect(fails({ NODE_ENV: 'production', DATABASE_URL: '', SECRET })).toContain('DATABASE_URL: required');
  });

  it('accepts production with both, and development without either', () => {
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL, SECRET }).NODE_ENV).toBe('production');
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  });

  it('never writes a development secret in production', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-secret-'));
    const config = loadConfig({ DATA_DIR: dir });
    expect(() => loadOrCreateSecret({ ...config, NODE_ENV: 'production' })).toThrow(/SECRET: required in production/);
    expect(existsSync(join(dir, 'secret'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('METRICS_PORT and METRICS_HOST', () => {
  it('are optional, and a port must be a port', () => {
    const config = loadConfig({});
    expect(config.METRICS_PORT).toBeUndefined();
    expect(config.METRICS_HOST).toBe('::');
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.7' })).toMatchObject({
      METRICS_PORT: 9464,
      METRICS_HOST: '10.0.0.7',
    });
    expect(fails({ METRICS_PORT: '70000' })).toMatch(/^invalid environment variable METRICS_PORT: /);
    expect(fails({ METRICS_PORT: 'nine' })).toMatch(/^invalid environment variable METRICS_PORT: /);
  });

  it('are among the keys a manifest may set, as every other variable', () => {
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'SECRET', 'METRICS_PORT', 'METRICS_HOST', 'NODE_ENV']) {
      expect(CONFIG_KEYS).toContain(key);
    }
    expect(CONFIG_KEYS).not.toContain('PORT');
  });
});

describe('the ad decision settings', () => {
  it('default to a cap of 3, a 30-day lookback and a 50 ms deadline', () => {
    const config = loadConfig({});
    expect([config.ADS_FREQUENCY_CAP, config.ADS_LOOKBACK_DAYS, config.ADS_DEADLINE_MS]).toEqual([3, 30, 50]);
  });

  it('take whole numbers from the environment', () => {
    const config = loadConfig({ ADS_FREQUENCY_CAP: '5', ADS_LOOKBACK_DAYS: '7', ADS_DEADLINE_MS: '120' });
    expect([config.ADS_FREQUENCY_CAP, config.ADS_LOOKBACK_DAYS, config.ADS_DEADLINE_MS]).toEqual([5, 7, 120]);
  });

  it.each([
    ['ADS_FREQUENCY_CAP', '0', 'from 1 to 1000'],
    ['ADS_FREQUENCY_CAP', '2.5', 'from 1 to 1000'],
    ['ADS_FREQUENCY_CAP', 'three', 'from 1 to 1000'],
    ['ADS_LOOKBACK_DAYS', '-1', 'from 1 to 3650'],
    ['ADS_LOOKBACK_DAYS', '30d', 'from 1 to 3650'],
    ['ADS_LOOKBACK_DAYS', '5000', 'from 1 to 3650'],
    ['ADS_DEADLINE_MS', '1', 'from 5 to 10000'],
    ['ADS_DEADLINE_MS', '50ms', 'from 5 to 10000'],
    ['ADS_DEADLINE_MS', '60000', 'from 5 to 10000'],
  ])('refuses %s=%s with a message naming it', (name, value, range) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`invalid environment variable ${name}: must be a whole number ${range}`);
  });
});

import { z } from 'zod';
import { resolveDataDir } from './root';

/** A bad environment variable stops the process with a message that names it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The error for these [variable, problem] pairs, as one line: `invalid environment variable X: ...`. */
export function invalidEnvironment(problems: Array<[variable: string, problem: string]>): ConfigError {
  const what = problems.map(([v, p]) => `${v}: ${p}`).join('; ');
  return new ConfigError(`invalid environment variable${problems.length > 1 ? 's' : ''} ${what}`);
}

/**
 * For a program's main: a ConfigError ends the process with that one line (prefixed with the
 * program's name) and exit code 1, instead of an uncaught stack; any other error is left alone.
 */
export function exitOnConfigError(program: string, err: unknown): void {
  if (!(err instanceof ConfigError)) return;
  process.stderr.write(`${program}: ${err.message}\n`);
  process.exit(1);
}

/** loadConfig for a program's main: a bad variable exits with one line (exitOnConfigError). */
export function loadConfigOrExit(program: string, env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    exitOnConfigError(program, err);
    throw err;
  }
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const url = (fallback?: string) => {
  const base = z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
    .transform((v) => v.replace(/\/+$/, ''));
  return fallback === undefined ? base.optional() : base.default(fallback);
};

/** A whole number within [min, max]; "3.5", "abc" or "0" are refused with the range. */
const whole = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ message: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`)
    .default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// connection string')
    .optional(),
  PIXEL_PORT: port(8080),
  INGESTER_PORT: port(8081),
  ADS_PORT: port(8082),
  CONSOLE_PORT: port(8083),
  DEMO_SHOP_PORT: port(3000),
  DEMO_NEWS_PORT: port(3001),
  PUBLIC_PIXEL_URL: url('http://localhost:8080'),
  PUBLIC_ADS_URL: url('http://localhost:8082'),
  PUBLIC_CONSOLE_URL: url('http://localhost:8083'),
  COOKIE_DOMAIN: z
    .string()
    .regex(/^\.?[a-z0-9.-]+$/i, 'must be a domain name such as example.com')
    .optional(),
  SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['0', '1']).default('1'),
  // Absolute once loaded: the same folder whichever workspace a service is started from.
  DATA_DIR: z.string().default('.data').transform(resolveDataDir),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  // Set: /metrics, /healthz and /readyz leave the public port for a listener of their own here.
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('::'),
  // Ad decisions (docs/ads.md): impressions of one product per visitor per 24 h, how far back
  // views and carts count, and how long a decision may wait for Postgres before falling back.
  ADS_FREQUENCY_CAP: whole(1, 1000, 3),
  ADS_LOOKBACK_DAYS: whole(1, 3650, 30),
  ADS_DEADLINE_MS: whole(5, 10_000, 50),
});

/** Every variable loadConfig reads (deployment manifests are checked against it). */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);

/** What production must be given: there is no embedded database nor generated secret there. */
const REQUIRED_IN_PRODUCTION = ['DATABASE_URL', 'SECRET'] as const;

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as shells and .env files commonly produce.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    // One line, naming each bad variable and never echoing its value (it may be a secret).
    throw invalidEnvironment(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    const missing = REQUIRED_IN_PRODUCTION.filter((key) => !config[key]);
    if (missing.length) throw invalidEnvironment(missing.map((k) => [k, 'required in production']));
  }
  return config;
}

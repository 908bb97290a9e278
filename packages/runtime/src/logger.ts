import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never log cookies, hashes or other identifiers by accident.
    redact: ['req.headers.cookie', 'req.headers.authorization', 'vid', 'email_sha256', '*.vid', '*.email_sha256'],
  });
}

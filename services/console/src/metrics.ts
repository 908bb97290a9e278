import { Counter, Histogram, type Registry } from '@rt/runtime';

export type ConsoleMetrics = ReturnType<typeof createConsoleMetrics>;

/** Sign-ins by outcome (a rising `limited` is an attack), and how long reports take to build. */
export function createConsoleMetrics(registry: Registry) {
  return {
    logins: new Counter({
      name: 'rt_console_logins_total',
      help: 'Sign-in attempts by result: ok, wrong (email or password), limited (429)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    reportSeconds: new Histogram({
      name: 'rt_console_report_seconds',
      help: 'Time to read a report from the analytics views',
      labelNames: ['report'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/** Runs one report's reading, timed into rt_console_report_seconds. */
export async function timedReport<T>(
  m: ConsoleMetrics,
  report: 'site' | 'partner',
  read: () => Promise<T>,
): Promise<T> {
  const done = m.reportSeconds.startTimer({ report });
  try {
    return await read();
  } finally {
    done();
  }
}

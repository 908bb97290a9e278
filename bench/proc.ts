import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux architecture Node supports

/** CPU time (user + system, ms) a local process has used, from /proc; undefined when not readable. */
export function procCpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th, in ticks.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

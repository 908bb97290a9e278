// Times the console's report pages and their JSON on a database loaded by `rt generate`
// (docs/benchmarks.md, section console): `DATABASE_URL=... tsx bench/console-report.ts`, before and
// after `rt analytics refresh`.
// In-process through createApp, so a figure is the SQL plus the rendering, without a socket.
import { loadConfig } from '@rt/config';
import { createApp, createDeps } from '@rt/console';
import { createLogger } from '@rt/runtime';
import { addUser } from '@rt/users';
import { sql } from 'kysely';

const RUNS = 7;
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const deps = createDeps(config, { logger: createLogger('bench', 'silent') });
const app = createApp(deps);
const req = (path: string, init: RequestInit = {}) =>
  Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: '127.0.0.1' } } }));

await addUser(deps.db, 'bench@rt.example', 'bench console password', { admin: true });
const login = await req('/login', {
  method: 'POST',
  body: new URLSearchParams({ email: 'bench@rt.example', password: 'bench console password' }),
});
const cookie = /rt_console=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
const { rows } = await sql<{ n: string }>`select count(*) as n from events`.execute(deps.db);
console.log(`events: ${rows[0]!.n}`);

const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
for (const [label, path] of [
  ['site report API, 30 days', `/api/sites/gen-shop-1/report?from=${day(29)}&to=${day(0)}`],
  ['site report page, 30 days', `/sites/gen-shop-1?from=${day(29)}&to=${day(0)}`],
  ['site report API, 7 days', `/api/sites/gen-shop-1/report?from=${day(6)}&to=${day(0)}`],
  ['partner report API, 30 days', `/api/partners/gen-news-1/report?from=${day(29)}&to=${day(0)}`],
  ['partner report page, 30 days', `/partners/gen-news-1?from=${day(29)}&to=${day(0)}`],
] as const) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const res = await req(path, { headers: { cookie } });
    bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)]!;
  console.log(
    `${label.padEnd(30)} median ${median.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms (${RUNS} runs, ${(bytes / 1024).toFixed(1)} KB)`,
  );
}
await deps.db.deleteFrom('console_users').where('email', '=', 'bench@rt.example').execute();
await deps.close();

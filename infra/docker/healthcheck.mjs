#!/usr/bin/env node
// The image's HEALTHCHECK: GET /healthz of the role the entrypoint started, on METRICS_PORT when
// set (the ops listener), else on the service's own port. One-shot roles (migrate, rt) are
// healthy while they run. Exit 0 healthy, 1 not (what Docker expects).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
let role = env.RT_ROLE ?? '';
try {
  role ||= readFileSync(join(tmpdir(), 'rt-role'), 'utf8').trim();
} catch {}
const servicePorts = { pixel: env.PIXEL_PORT || 8080, ingester: env.INGESTER_PORT || 8081, ads: env.ADS_PORT || 8082 };
if (role === 'migrate' || role === 'rt') process.exit(0);
const port = env.METRICS_PORT || servicePorts[role];
if (!port) {
  console.error(`healthcheck: no port known for role '${role}' (set METRICS_PORT)`);
  process.exit(1);
}
// A METRICS_HOST naming one address is where the ops listener is; "every address" includes loopback.
const wildcard = !env.METRICS_HOST || env.METRICS_HOST === '::' || env.METRICS_HOST === '0.0.0.0';
const host = env.METRICS_PORT && !wildcard ? env.METRICS_HOST : '127.0.0.1';
const req = request({ host, port, path: '/healthz', timeout: 2000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  console.error(`healthcheck: ${host}:${port}/healthz: ${err.message}`);
  process.exit(1);
});
req.end();

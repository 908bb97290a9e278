#!/usr/bin/env node
// The observability test runs Debian's Prometheus and promtool (never a downloaded build).
// Installs them with apt when missing and we are root; otherwise says how to install them.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PROMETHEUS = process.env.PROMETHEUS_PATH || '/usr/bin/prometheus';
if (!existsSync(PROMETHEUS) || !existsSync('/usr/bin/promtool')) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('[rt] installing Debian prometheus for the observability test (apt-get)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // --no-install-recommends: the server and promtool, without the exporters it recommends.
    execSync('apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus', {
      stdio: 'inherit',
      env,
      shell: '/bin/bash',
    });
  } else {
    console.error(`[rt] ${PROMETHEUS} not found: install Debian's prometheus (apt-get install prometheus)`);
    process.exit(1);
  }
}

#!/usr/bin/env node
// Browser tests drive Debian's Chromium (never a downloaded browser). Installs it with apt when
// it is missing and we are root; otherwise says how to install it.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('[rt] installing Debian chromium for the browser tests (apt-get)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execSync('apt-get update -qq && apt-get install -y -qq chromium', { stdio: 'inherit', env, shell: '/bin/bash' });
  } else {
    console.error(
      `[rt] ${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) for the browser tests`,
    );
    process.exit(1);
  }
}

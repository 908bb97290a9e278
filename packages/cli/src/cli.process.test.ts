import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'bin', 'rt.js');
const rt = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, RT_FROM_SOURCE: '1', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/unreachable' },
    timeout: 60_000,
  });

describe('bin/rt.js as a process', { timeout: 90_000 }, () => {
  it('prints help and exits 0', () => {
    const r = rt('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: rt');
    expect(r.stdout).toContain('postgres://postgres:postgres@127.0.0.1:54329/postgres');
  });

  it('has help for every command', () => {
    const r = rt('catalog', 'import', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('id,name,price,currency,url,image,category');
  });

  it('exits 1 with a message for an unknown command, bad input and an unreachable database', () => {
    const unknown = rt('frobnicate');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const bad = rt('sites', 'add', 'shop', '--name', 'Shop', '--origin', 'https://shop.example/cart');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('no path');
    const down = rt('sites', 'list');
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/^error: .*ECONNREFUSED.*\(DATABASE_URL points at 127\.0\.0\.1:1\/unreachable\)/);
  });
});

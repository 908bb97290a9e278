import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@rt/runtime';
import { describe, expect, it } from 'vitest';
import { Spool, type SpoolRecord } from './spool';

const logger = createLogger('test', 'silent');
const rec = (i: number): SpoolRecord => ({ id: `b-${i}`, queue: 'events', name: 'ingest', data: { i } });
const dir = () => join(mkdtempSync(join(tmpdir(), 'rt-spool-')), 'spool');

describe('disk spool', () => {
  it('has every record on disk once append() resolves, group-committing concurrent appends', async () => {
    const spool = new Spool(dir(), logger);
    await spool.open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => spool.append([rec(i)])));
    expect(spool.depth).toBe(50);
    const files = readdirSync(spool.dir);
    const lines = files.flatMap((f) => readFileSync(join(spool.dir, f), 'utf8').split('\n').filter(Boolean));
    expect(lines.map((l) => JSON.parse(l).id).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `b-${i}`).sort());
    await spool.close();
  });

  it('drains in order, across restarts, and deletes what it delivered', async () => {
    const path = dir();
    const first = new Spool(path, logger);
    await first.open();
    for (let i = 0; i < 5; i++) await first.append([rec(i)]);
    await first.close();
    const second = new Spool(path, logger);
    await second.open();
    expect(second.depth).toBe(5);
    for (let i = 5; i < 8; i++) await second.append([rec(i)]);
    const seen: string[] = [];
    expect(await second.drain(async (chunk) => void seen.push(...chunk.map((r) => r.id)), 2)).toBe(8);
    expect(seen).toEqual(Array.from({ length: 8 }, (_, i) => `b-${i}`));
    expect(second.depth).toBe(0);
    expect(await second.drain(async () => {})).toBe(0);
    await second.close();
  });

  it('keeps everything after a failed delivery and delivers it on the next drain', async () => {
    const spool = new Spool(dir(), logger);
    await spool.open();
    for (let i = 0; i < 4; i++) await spool.append([rec(i)]);
    await expect(
      spool.drain(async () => {
        throw new Error('queue down');
      }),
    ).rejects.toThrow('queue down');
    expect(spool.depth).toBe(4);
    const seen: string[] = [];
    await spool.drain(async (chunk) => void seen.push(...chunk.map((r) => r.id)));
    expect(seen).toEqual(['b-0', 'b-1', 'b-2', 'b-3']);
    await spool.close();
  });

  it('skips a torn last line (written by a crash, never acknowledged)', async () => {
    const path = dir();
    const spool = new Spool(path, logger);
    await spool.open();
    await spool.append([rec(1)]);
    await spool.close();
    const seg = readdirSync(path).find((f) => f.endsWith('.log'))!;
    appendFileSync(join(path, seg), '{"id":"b-2","queue":"ev');
    const again = new Spool(path, logger);
    await again.open();
    const seen: string[] = [];
    await again.drain(async (chunk) => void seen.push(...chunk.map((r) => r.id)));
    expect(seen).toEqual(['b-1']);
    await again.close();
  });
});

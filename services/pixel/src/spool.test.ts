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
  it('sets aside a record the answering queue keeps refusing, delivering the rest in order', async () => {
    const spool = new Spool(dir(), logger);
    await spool.open();
    for (let i = 0; i < 6; i++) await spool.append([rec(i)]);
    const refuse = async (chunk: SpoolRecord[]) => {
      if (chunk.some((r) => r.id === 'b-2')) throw new Error('invalid input syntax for type json');
      seen.push(...chunk.map((r) => r.id));
    };
    const seen: string[] = [];
    // Without isolation the bad record blocks everything behind it.
    await expect(spool.drain(refuse, 20)).rejects.toThrow(/json/);
    expect(spool.depth).toBe(6);
    // While the queue is down, nothing is set aside: the failure is the outage's, not the record's.
    await expect(spool.drain(refuse, 20, { queueUp: async () => false })).rejects.toThrow(/json/);
    expect(spool.quarantined).toBe(0);
    seen.length = 0;
    expect(await spool.drain(refuse, 20, { queueUp: async () => true })).toBe(6);
    expect(seen).toEqual(['b-0', 'b-1', 'b-3', 'b-4', 'b-5']);
    expect(spool.depth).toBe(0);
    expect(spool.quarantined).toBe(1);
    const kept = readFileSync(join(spool.dir, 'quarantine.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(kept).toMatchObject([{ id: 'b-2', data: { i: 2 }, reason: expect.stringContaining('json') }]);
    await spool.close();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RSS } from '../testing/gmc-feeds';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
let server: Server;
let base: string;
let closedPort: number;
const cli = (...args: string[]) => runCli(args, { databaseUrl: env.databaseUrl });

beforeAll(async () => {
  env = await createTestEnv();
  await env.db.insertInto('sites').values({ id: 'shop', name: 'Shop', allowed_origins: [] }).execute();
  server = createServer((req, res) => {
    if (req.url === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      // In two pieces, split inside an element: the parser must carry state across chunks.
      res.write(RSS.slice(0, 300));
      setTimeout(() => res.end(RSS.slice(300)), 20);
    } else if (req.url === '/stall.xml') {
      res.writeHead(200);
      res.write('<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item>');
      // ...and nothing more: the server is silent until the client gives up.
    } else if (req.url === '/slow-headers') {
      // Never answers.
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await env.close();
});

describe('rt catalog fetch', () => {
  it('imports a Merchant Center feed over http as it downloads', async () => {
    const res = await cli('catalog', 'fetch', '--site', 'shop', '--url', `${base}/feed.xml`);
    expect(res).toMatchObject({ code: 0, stdout: 'imported 2 product(s) into shop\n' });
    const p = await env.db.selectFrom('products').selectAll().where('id', '=', 'SKU-1').executeTakeFirstOrThrow();
    expect(p).toMatchObject({ sale_price: '249.9900', availability: 'in_stock' });
  });

  it('says what the server answered', async () => {
    const res = await cli('catalog', 'fetch', '--site', 'shop', '--url', `${base}/missing.xml`);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`error: ${base}/missing.xml answered HTTP 404 Not Found\n`);
  });

  it.each([
    ['/slow-headers', 'no answer'],
    ['/stall.xml', 'no answer'],
  ])('gives up on a silent server (%s), importing nothing', async (path, message) => {
    const started = Date.now();
    const res = await cli('catalog', 'fetch', '--site', 'shop', '--url', `${base}${path}`, '--timeout', '0.5');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${base}${path}: ${message} within 0.5 s`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each([
    ['file:///etc/passwd', /--url must be http\(s\), not file:/],
    ['ftp://shop.example/feed.xml', /--url must be http\(s\), not ftp:/],
    ['not a url', /--url "not a url" is not a URL/],
    ['http://127.0.0.1:CLOSED/feed.xml', /ECONNREFUSED/],
  ])('refuses %s', async (given, message) => {
    const url = given.replace('CLOSED', String(closedPort));
    const res = await cli('catalog', 'fetch', '--site', 'shop', '--url', url);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });

  it('refuses a bad --timeout and an unknown site', async () => {
    const t = await cli('catalog', 'fetch', '--site', 'shop', '--url', `${base}/feed.xml`, '--timeout', 'soon');
    expect(t.stderr).toMatch(/--timeout must be a positive number of seconds/);
    const s = await cli('catalog', 'fetch', '--site', 'nope', '--url', `${base}/feed.xml`);
    expect(s.stderr).toMatch(/unknown site "nope"/);
  });
});

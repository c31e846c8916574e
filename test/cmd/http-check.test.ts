import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheck, registry } from '../../cmd/index.js';
import { createUnconfinedReach } from '../../cmd/reach.js';

async function runCheck(input: unknown, signal = new AbortController().signal) {
  const args = httpCheck.args.parse(input);
  const lines: string[] = [];
  const exit = await httpCheck.run(args, { log: (chunk) => lines.push(String(chunk)), signal, cwd: '/', reach: createUnconfinedReach() });
  return { exit, lines };
}

describe('http-check', () => {
  let server: Server;
  let base: string;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 5_000);
        return;
      }
      res.writeHead(req.url === '/missing' ? 404 : 200);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('prints one line per try as it happens and exits 0 when all answered 2xx', async () => {
    const { exit, lines } = await runCheck({ url: `${base}/ok`, count: 3, intervalMs: 10 });
    expect(exit).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^try 1\/3: 200 OK in \d+ ms\n$/);
    expect(lines[3]).toBe('3/3 tries answered 2xx\n');
  });

  it('exits 1 when a try answered otherwise', async () => {
    const { exit, lines } = await runCheck({ url: `${base}/missing`, count: 2, intervalMs: 0 });
    expect(exit).toBe(1);
    expect(lines[0]).toMatch(/^try 1\/2: 404 Not Found in \d+ ms\n$/);
  });

  it('reports a try that times out and goes on', async () => {
    const { exit, lines } = await runCheck({ url: `${base}/slow`, count: 1, timeoutMs: 100 });
    expect(exit).toBe(1);
    expect(lines[0]).toMatch(/^try 1\/1: failed after \d+ ms: /);
  });

  it('stops at once when its signal is aborted', async () => {
    const controller = new AbortController();
    const before = hits;
    setTimeout(() => controller.abort(), 100);
    const { exit } = await runCheck({ url: `${base}/ok`, count: 100, intervalMs: 1_000 }, controller.signal);
    expect(exit).toBe(1);
    expect(hits - before).toBe(1);
  });

  it('refuses a URL that is not http(s) with a message saying so', () => {
    const result = httpCheck.args.safeParse({ url: 'file:///etc/passwd' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Expected an http(s) URL');
  });

  it('is registered and described with its argument schema', () => {
    const info = registry.describe().find((command) => command.name === 'http-check');
    expect(info?.args).toMatchObject({ type: 'object', properties: { url: { type: 'string' } } });
  });
});

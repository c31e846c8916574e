import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfinedReach, createUnconfinedReach, dbCopy, httpCheck, isPublicAddress, listdir } from '../../cmd/index.js';
import type { CommandContext, Reach } from '../../cmd/index.js';

async function runWith<Args>(command: { args: { parse(input: unknown): Args }; run(args: Args, context: CommandContext): unknown }, input: unknown, reach: Reach) {
  let output = '';
  try {
    const exit = await command.run(command.args.parse(input), { log: (chunk) => (output += String(chunk)), signal: new AbortController().signal, cwd: '/', reach });
    return { output, exit, error: undefined };
  } catch (error) {
    return { output, exit: 1, error: (error as Error).message };
  }
}

describe('isPublicAddress', () => {
  it.each([
    ['93.184.215.14', true],
    ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.31.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:93.184.215.14', true],
    ['not an address', false],
  ])('says %s is %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('a confined reach', () => {
  let dir: string;
  let server: Server;
  let local: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reach-'));
    mkdirSync(join(dir, 'open'));
    mkdirSync(join(dir, 'secret'));
    writeFileSync(join(dir, 'open', 'a.txt'), 'a');
    writeFileSync(join(dir, 'secret', 'key'), 'k');
    symlinkSync(join(dir, 'secret'), join(dir, 'open', 'escape'));
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    local = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  });

  const confined = () => createConfinedReach({ readPaths: [join(dir, 'open')], envNames: ['PROD_URL', 'AWS_SECRET_ACCESS_KEY'] }, { PATH: '/bin', PROD_URL: 'postgres://db/x', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', OTHER: 'x' });

  it('lets listdir read under RPC_READ_PATHS only, and not out of it through a symbolic link', async () => {
    expect(await runWith(listdir, { path: join(dir, 'open') }, confined())).toMatchObject({ output: `${join(dir, 'open', 'a.txt')}\n${join(dir, 'open', 'escape')}\n` });
    const refused = await runWith(listdir, { path: join(dir, 'secret') }, confined());
    expect(refused.error).toBe(`A key without the exec scope may read only under ${join(dir, 'open')} (RPC_READ_PATHS), not \`${join(dir, 'secret')}\``);
    expect((await runWith(listdir, { path: join(dir, 'open', 'escape') }, confined())).error).toMatch(/may read only under/);
    expect((await runWith(listdir, { path: join(dir, 'open', '..') }, confined())).error).toMatch(/may read only under/);
  });

  it('reads nothing at all when RPC_READ_PATHS lists no directory', async () => {
    const none = createConfinedReach({ readPaths: [], envNames: [] }, {});
    expect((await runWith(listdir, { path: '/' }, none)).error).toBe('A key without the exec scope may read only under no directory (RPC_READ_PATHS), not `/`');
  });

  it('lets http-check connect to public addresses only, by literal or by name', async () => {
    const literal = await runWith(httpCheck, { url: local, count: 1 }, confined());
    expect(literal.exit).toBe(1);
    expect(literal.output).toMatch(/^try 1\/1: failed after \d+ ms: A key without the exec scope may connect only to public internet addresses; 127\.0\.0\.1 is not one\n/);
    const named = await runWith(httpCheck, { url: local.replace('127.0.0.1', 'localhost'), count: 1 }, confined());
    expect(named.output).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is not one/);
    const metadata = await runWith(httpCheck, { url: 'http://169.254.169.254/latest/meta-data/', count: 1 }, confined());
    expect(metadata.output).toMatch(/169\.254\.169\.254 is not one/);
    expect((await runWith(httpCheck, { url: local, count: 1 }, createUnconfinedReach())).exit).toBe(0);
  });

  it('lets db-copy name databases only by the variables RPC_ENV lists, never by URL, never printing a value', async () => {
    const literal = await runWith(dbCopy, { source: 'postgres://attacker.example/db', target: 'PROD_URL' }, confined());
    expect(literal.error).toBe('Expected `source` to name one of the environment variables a key without the exec scope may use (RPC_ENV: PROD_URL), got `postgres://attacker.example/db`');
    const credential = await runWith(dbCopy, { source: 'AWS_SECRET_ACCESS_KEY', target: 'PROD_URL' }, confined());
    expect(credential.error).toMatch(/^Expected `source` to name one of the environment variables .*got `AWS_SECRET_ACCESS_KEY`$/);
    expect(`${credential.error} ${credential.output}`).not.toMatch(/secret|token/);
  });

  it('shows only the variables RPC_ENV lists and a few harmless ones, never the AWS credentials', () => {
    expect(confined().env).toEqual({ PATH: '/bin', PROD_URL: 'postgres://db/x' });
  });
});

import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../protocol/index.js';
import { createGoClient, goExecBody, type GoClient, type RawAnswer } from '../helpers/go-client.js';
import { REPO, startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// The API's surface through real HTTP: what malformed requests get, and the public pages.
// The runtime keeps its default auth delay (1 s), so the 401 cases are few.
let runtime: TestRuntime;
let go: GoClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
});
afterAll(async () => runtime?.dispose());

const UID = '1700000000.0a1b2c3d-0000-4000-8000-000000000000';

/** The error message of a 4xx answer, checked to be `{"error": "..."}` and nothing else. */
function errorOf(answer: RawAnswer): string {
  const body = JSON.parse(answer.text) as unknown;
  expect(body).toEqual({ error: expect.any(String) });
  expect(answer.text).not.toMatch(/\n\s+at /);
  return (body as { error: string }).error;
}

/**
 * Asserts each request got the status and a message matching `pattern`. One at a time:
 * each concurrent request would take an execution environment (a process) of its own.
 */
async function expectRefused(cases: { name: string; send: () => Promise<RawAnswer>; status: number; pattern: RegExp }[]) {
  for (const entry of cases) {
    const answer = await entry.send();
    expect({ name: entry.name, status: answer.status }).toEqual({ name: entry.name, status: entry.status });
    expect({ name: entry.name, error: errorOf(answer) }).toEqual({ name: entry.name, error: expect.stringMatching(entry.pattern) });
  }
}

/**
 * Declares a body of `bytes` and waits for the answer before sending any of it. The
 * gateway refuses on the declared length alone; sending the body meanwhile would race its
 * early answer (it stops reading, and the client then often sees EPIPE/ECONNRESET instead).
 */
function postDeclaringLength(url: string, auth: string, bytes: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { auth, 'content-type': 'application/json', 'content-length': bytes } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

const post = (body: string) => () => go.request('POST', '/api/exec', { body });
const postJson = (body: unknown) => post(JSON.stringify(body));

describe('malformed requests through real HTTP', () => {
  it('refuses every malformed job request with a 4xx saying what was expected, and starts nothing', async () => {
    const first = await go.start({ argv: ['echo', 'a job before'] });
    await go.follow(first);
    const before = await go.listJobs();
    await expectRefused([
      { name: 'bad JSON', send: post('{"argv": ["echo",'), status: 400, pattern: /^Expected a JSON body/ },
      { name: 'empty body', send: post(''), status: 400, pattern: /Expected a JSON body, got an empty body/ },
      { name: 'a JSON array', send: post('["echo"]'), status: 400, pattern: /Expected a JSON object, got an array/ },
      { name: 'argv a string', send: postJson({ argv: 'ls' }), status: 400, pattern: /argv: .*expected array/i },
      { name: 'argv of numbers', send: postJson({ argv: [1, 2] }), status: 400, pattern: /argv\.0: .*expected string/i },
      { name: 'argv empty', send: postJson({ argv: [] }), status: 400, pattern: /argv: Expected argv to hold at least the program name/ },
      { name: 'neither', send: postJson({}), status: 400, pattern: /Expected either argv \(a subprocess\) or rpc-name .*got neither/ },
      { name: 'neither, Go-style', send: postJson(goExecBody({})), status: 400, pattern: /got neither/ },
      { name: 'both', send: postJson({ argv: ['ls'], 'rpc-name': 'listdir' }), status: 400, pattern: /Expected either argv or rpc-name, got both/ },
      { name: 'rpc-args without rpc-name', send: postJson({ argv: ['ls'], 'rpc-args': '{}' }), status: 400, pattern: /rpc-args: Expected rpc-args only together with rpc-name/ },
      { name: 'unknown rpc-name', send: postJson(goExecBody({ 'rpc-name': 'no-such-command' })), status: 404, pattern: /registered command \(.*listdir.*\), got `no-such-command`/ },
      {
        name: 'rpc-args failing the schema',
        send: postJson(goExecBody({ 'rpc-name': 'listdir', 'rpc-args': JSON.stringify({ path: 5 }) })),
        status: 400,
        pattern: /rpc-args for listdir: path: .*expected string/i,
      },
      { name: 'rpc-args as an object failing the schema', send: postJson({ 'rpc-name': 'listdir', 'rpc-args': { path: '' } }), status: 400, pattern: /path: Expected a non-empty path/ },
      { name: 'rpc-args not JSON', send: postJson(goExecBody({ 'rpc-name': 'listdir', 'rpc-args': '{"path":' })), status: 400, pattern: /Expected rpc-args to be a JSON object/ },
      { name: 'rpc-args a number', send: postJson({ 'rpc-name': 'listdir', 'rpc-args': 5 }), status: 400, pattern: /Expected rpc-args to be a JSON string or an object/ },
      { name: 'timeout negative', send: postJson({ argv: ['ls'], timeout: -1 }), status: 400, pattern: /timeout: .*expected number to be >0/i },
      { name: 'timeout a string', send: postJson({ argv: ['ls'], timeout: '5' }), status: 400, pattern: /timeout: .*expected number/i },
      { name: 'timeout past the function', send: postJson({ argv: ['ls'], timeout: 100_000 }), status: 400, pattern: /at most 900 seconds .*got 100000/ },
      { name: 'push-urls not URLs', send: postJson({ argv: ['ls'], 'push-urls': { log: 'x', exit: 'y', size: 'z' } }), status: 400, pattern: /push-urls\.log: Expected an http\(s\) URL/ },
      { name: 'push-urls incomplete', send: postJson({ argv: ['ls'], 'push-urls': { log: 'http://127.0.0.1/x' } }), status: 400, pattern: /push-urls\.exit/ },
      {
        name: 'a body over the limit',
        send: postJson({ argv: ['echo', 'x'.repeat(MAX_REQUEST_BYTES)] }),
        status: 413,
        pattern: new RegExp(`Expected a request body of at most ${MAX_REQUEST_BYTES} bytes`),
      },
    ]);
    const after = await go.listJobs();
    expect(after.map((job) => job.uid)).toEqual(before.map((job) => job.uid));
  });

  it('refuses a body past the gateway limit with 413 before it reaches the API, and starts nothing', async () => {
    const before = await go.listJobs();
    const answer = await postDeclaringLength(`${runtime.config.url}/api/exec`, runtime.config.auth, 11 * 1024 * 1024);
    expect(answer.status).toBe(413);
    // API Gateway's own answer, as on AWS: {"message": ...}.
    expect(JSON.parse(answer.text)).toEqual({ message: expect.stringMatching(/too (long|large)/i) });
    expect((await go.listJobs()).map((job) => job.uid)).toEqual(before.map((job) => job.uid));
  });

  it('refuses malformed uids, path traversal included, and malformed offsets and limits', async () => {
    await expectRefused(
      [
        ['GET', '/api/exec?uid=../../etc/passwd'],
        ['GET', `/api/exec?uid=${encodeURIComponent('../jobs/local/x')}&range-start=0`],
        ['GET', `/api/exec?uid=${UID.slice(0, 11)}..%2F..%2F0000-4000-8000-000000000000`],
        ['DELETE', '/api/exec?uid=../../etc/passwd'],
        ['DELETE', '/api/exec?uid=%2e%2e%2fx'],
      ].map(([method = '', path = '']) => ({ name: `${method} ${path}`, send: () => go.request(method, path), status: 400, pattern: /uid: Expected a job uid like `1700000000\.<uuid>`/ })),
    );
    await expectRefused([
      { name: 'GET without a uid', send: () => go.request('GET', '/api/exec'), status: 400, pattern: /uid: Expected a job uid, got none/ },
      { name: 'DELETE without a uid', send: () => go.request('DELETE', '/api/exec'), status: 400, pattern: /uid: Expected a job uid, got none/ },
      { name: 'range-start negative', send: () => go.request('GET', `/api/exec?uid=${UID}&range-start=-1`), status: 400, pattern: /range-start: Expected range-start to be a non-negative integer/ },
      { name: 'range-start text', send: () => go.request('GET', `/api/exec?uid=${UID}&range-start=abc`), status: 400, pattern: /Expected range-start to be a non-negative integer/ },
      { name: 'limit 0', send: () => go.request('GET', '/api/jobs?limit=0'), status: 400, pattern: /limit: .*1/ },
      { name: 'limit text', send: () => go.request('GET', '/api/jobs?limit=all'), status: 400, pattern: /Expected limit to be an integer from 1 to 1000/ },
      { name: 'unknown uid', send: () => go.request('GET', `/api/exec?uid=${UID}`), status: 404, pattern: /No job with uid/ },
    ]);
  });

  it('refuses a missing or wrong key with 401 after the fixed delay, saying only unauthorized', async () => {
    const started = Date.now();
    const [missing, wrong] = await Promise.all([
      go.request('POST', '/api/exec', { auth: null, body: JSON.stringify({ argv: ['echo', 'x'] }) }),
      go.request('GET', '/api/jobs', { auth: `${runtime.config.auth.slice(0, -1)}${runtime.config.auth.endsWith('0') ? '1' : '0'}` }),
    ]);
    // The delay is a floor (AUTH_FAIL_DELAY_MS, 1 s by default); a busy machine only adds to it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    for (const answer of [missing, wrong]) {
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ error: 'unauthorized' });
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('answers a wrong method or an unknown path with a 404 or 405 and a message', async () => {
    const answers = await Promise.all([
      go.request('PUT', '/api/exec', { body: '{}' }),
      go.request('PATCH', '/api/exec', { body: '{}' }),
      go.request('POST', '/api/jobs', { body: '{}' }),
      go.request('GET', '/api/no-such-route'),
    ]);
    for (const answer of answers) {
      expect([404, 405]).toContain(answer.status);
      expect(errorOf(answer)).toMatch(/No route for (PUT|PATCH|POST|GET) \/api\//);
    }
  });
});

describe('the public pages through real HTTP', () => {
  it('serves the placeholder page as HTML with security headers, without a key', async () => {
    const page = await go.request('GET', '/', { auth: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<html/i);
    expect(page.text).toContain('aws-exec');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('answers /_version with the package name and version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
    const answer = await go.request('GET', '/_version', { auth: null });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ name: pkg.name, version: pkg.version });
  });

  it('lists listdir in /api/commands with a JSON Schema of its arguments', async () => {
    const answer = await go.request('GET', '/api/commands');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const { commands } = JSON.parse(answer.text) as { commands: { name: string; describe: string; args: Record<string, unknown> }[] };
    const listdir = commands.find((command) => command.name === 'listdir');
    expect(listdir?.describe).toMatch(/\w/);
    expect(listdir?.args).toMatchObject({ type: 'object', properties: { path: { type: 'string', default: '.' } } });
  });
});

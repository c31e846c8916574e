import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway, type GatewayInvokeResult } from '../../local/gateway.js';
import type { ProxyEventV1 } from '../../local/gateway-event.js';

describe('local API gateway', () => {
  let gateway: Gateway | undefined;
  afterEach(async () => gateway?.close());

  async function start(invoke: (event: ProxyEventV1) => Promise<GatewayInvokeResult> | GatewayInvokeResult, extra = {}) {
    gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      invoke: async (payload) => invoke(JSON.parse(payload.toString('utf8')) as ProxyEventV1),
      logError: () => {},
      ...extra,
    });
    return gateway.url;
  }

  const ok = (result: object): GatewayInvokeResult => ({ payload: Buffer.from(JSON.stringify(result)) });

  it('sends the payload-1.0 event API Gateway would send for a JSON POST', async () => {
    let seen: ProxyEventV1 | undefined;
    const url = await start((event) => {
      seen = event;
      return ok({ statusCode: 200, body: '{"uid":"x"}', headers: { 'content-type': 'application/json' } });
    });
    const res = await fetch(`${url}/api/exec?uid=a%20b&x=1&x=2`, {
      method: 'POST',
      headers: { auth: 'secret', 'content-type': 'application/json' },
      body: '{"argv":["echo","hi"]}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ uid: 'x' });
    expect(seen).toMatchObject({
      resource: '/{proxy+}',
      path: '/api/exec',
      httpMethod: 'POST',
      body: '{"argv":["echo","hi"]}',
      isBase64Encoded: false,
      queryStringParameters: { uid: 'a b', x: '2' },
      multiValueQueryStringParameters: { uid: ['a b'], x: ['1', '2'] },
      pathParameters: { proxy: 'api/exec' },
      requestContext: { httpMethod: 'POST', resourcePath: '/{proxy+}', identity: { sourceIp: '127.0.0.1' } },
    });
    expect(seen?.headers.auth).toBe('secret');
  });

  it('base64-encodes a binary or non-UTF-8 body and decodes a base64 result', async () => {
    let seen: ProxyEventV1 | undefined;
    const url = await start((event) => {
      seen = event;
      return ok({ statusCode: 201, body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true, multiValueHeaders: { 'x-a': ['1', '2'] } });
    });
    const res = await fetch(`${url}/upload`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: new Uint8Array([0xff, 0xfe, 0x41]) });
    expect(seen?.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen?.body ?? '', 'base64')).toEqual(Buffer.from([0xff, 0xfe, 0x41]));
    expect(res.status).toBe(201);
    expect(res.headers.get('x-a')).toBe('1, 2');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 255, 1]));
  });

  it('answers 502 when the function fails or returns a malformed proxy result', async () => {
    let answer: GatewayInvokeResult = { payload: Buffer.from('{"errorMessage":"boom"}'), functionError: 'Unhandled' };
    const url = await start(() => answer);
    const failed = await fetch(url);
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ message: 'Internal server error' });
    answer = { payload: Buffer.from('"not a proxy result"') };
    expect((await fetch(url)).status).toBe(502);
  });

  it('refuses a body over the limit with 413 without invoking the function', async () => {
    let invoked = 0;
    const url = await start(() => {
      invoked += 1;
      return ok({ statusCode: 200 });
    }, { maxBodyBytes: 1024 });
    const res = await fetch(url, { method: 'POST', body: 'x'.repeat(4096) });
    expect(res.status).toBe(413);
    expect(invoked).toBe(0);
    expect((await fetch(url)).status).toBe(200);
  });

  it('answers TRACE with 405 and TRACK with 501 without invoking the function or logging an error', async () => {
    let invoked = 0;
    const logged: string[] = [];
    const url = await start(
      () => {
        invoked += 1;
        return ok({ statusCode: 200 });
      },
      { logError: (message: string) => logged.push(message) },
    );
    const trace = await rawRequest(url, 'TRACE', '/api/jobs');
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
    expect(JSON.parse(trace.body)).toEqual({ message: 'Method Not Allowed' });
    const track = await rawRequest(url, 'TRACK', '/');
    expect(track.status).toBe(501);
    expect(track.body).toBe('');
    expect(invoked).toBe(0);
    expect(logged).toEqual([]);
    expect((await fetch(url)).status).toBe(200);
  });

  it('answers 504 when the function takes longer than the integration timeout', async () => {
    const url = await start(() => new Promise<GatewayInvokeResult>(() => {}), { timeoutMs: 100 });
    const res = await fetch(url);
    expect(res.status).toBe(504);
  });
});

describe('local API gateway on a port in use', () => {
  it('says the port is in use and what to pass instead', async () => {
    const first = await startGateway({ host: '127.0.0.1', port: 0, invoke: async () => ({ payload: Buffer.from('{}') }) });
    try {
      await expect(startGateway({ host: '127.0.0.1', port: first.port, invoke: async () => ({ payload: Buffer.from('{}') }) })).rejects.toThrow(
        `Expected port ${first.port} on 127.0.0.1 to be free for the API (--port), but it is in use (pass another port; 0 picks a free one)`,
      );
    } finally {
      await first.close();
    }
  });
});

/** A request with any method (fetch refuses TRACE and TRACK), read to its end. */
function rawRequest(url: string, method: string, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${url}${path}`, { method, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

import { describe, expect, it } from 'vitest';
import { createHandler } from '../../backend/lambda.js';
import type { BackendDeps } from '../../backend/deps.js';
import type { Logger } from '../../backend/log.js';
import { createTestApp, KEYS } from './helpers/app.js';
import { contextWithRemaining } from './helpers/fakes.js';

function setup() {
  const warnings: string[] = [];
  const logger: Logger = { info() {}, warn: (message) => warnings.push(message), error() {} };
  const fixture = createTestApp({ logger });
  const handler = createHandler(fixture.deps as BackendDeps);
  return { ...fixture, handler, warnings };
}

function apiEvent(method: string, path: string, fields: { query?: Record<string, string>; body?: string; headers?: Record<string, string> } = {}) {
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { host: 'api.example.com', auth: KEYS.alice, ...fields.headers },
    multiValueHeaders: null,
    queryStringParameters: fields.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'req-123', stage: 'prod', httpMethod: method, path },
    body: fields.body ?? null,
    isBase64Encoded: false,
  };
}

describe('handler', () => {
  it('serves API Gateway payload 1.0 events through the app', async () => {
    const { handler, invoker } = setup();
    const result = (await handler(apiEvent('POST', '/api/exec', { body: '{"argv":["echo","hi"]}' }), contextWithRemaining(1_000))) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toHaveProperty('uid');
    expect(result.headers['x-content-type-options']).toBe('nosniff');
    expect(invoker.events).toHaveLength(1);
  });

  it('reads the query string of an API Gateway event', async () => {
    const { handler } = setup();
    const result = (await handler(apiEvent('GET', '/api/exec', { query: { uid: 'nope' } }), contextWithRemaining(1_000))) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toMatch(/^Invalid query: uid: /);
  });

  it('names the API Gateway request id in a 500', async () => {
    const { handler, jobs } = setup();
    jobs.listJobs = async () => {
      throw new Error('boom');
    };
    const result = (await handler(apiEvent('GET', '/api/jobs'), contextWithRemaining(1_000))) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ error: 'internal error (request id req-123)' });
  });

  it('runs a job event', async () => {
    const { handler, call } = setup();
    const { uid } = (await (await call('POST', '/api/exec', { body: { argv: ['true'] } })).json()) as { uid: string };
    const result = await handler({ 'event-type': 'exec', 'auth-name': 'alice', uid, argv: ['true'] }, contextWithRemaining(10_000));
    expect(result).toMatchObject({ status: 'finished', exit: 0 });
  });

  it('sweeps on a sweep event and on a scheduled event', async () => {
    const { handler } = setup();
    expect(await handler({ 'event-type': 'sweep', 'lost-before': Date.now() }, contextWithRemaining(1_000))).toEqual({ finished: [], events: 0 });
    const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), detail: {} };
    expect(await handler(scheduled, contextWithRemaining(1_000))).toEqual({ finished: [], events: 0 });
  });

  it('logs a warning and answers harmlessly for an event of unknown shape', async () => {
    const { handler, warnings } = setup();
    expect(await handler({ hello: 'world' }, contextWithRemaining(1_000))).toMatchObject({ ignored: true });
    expect(await handler(null, contextWithRemaining(1_000))).toMatchObject({ ignored: true });
    expect(warnings).toHaveLength(2);
  });
});

import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../../backend/http/openapi-document.js';
import { createTestApp } from '../backend/helpers/app.js';

type Operations = Record<string, { security?: unknown[] } | undefined>;
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Operations>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('the OpenAPI document at /api/openapi.json', () => {
  const { app, call } = createTestApp();

  const fetchDocument = async (init: { key?: string | null } = { key: null }) => {
    const response = await call('GET', OPENAPI_PATH, init);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return (await response.json()) as Document;
  };

  it('is served without an auth key, and with a wrong one too', async () => {
    const document = await fetchDocument({ key: null });
    expect(await fetchDocument({ key: 'not-a-key' })).toEqual(document);
    expect(document.info).toEqual({ title: 'aws-exec', version: '9.9.9', description: expect.any(String) });
  });

  it('leaves every other /api route behind the auth key', async () => {
    expect((await call('GET', '/api/jobs', { key: null })).status).toBe(401);
    expect((await call('GET', '/api/openapi.json.bak', { key: null })).status).toBe(401);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate({ ...(await fetchDocument()) });
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every route of the app, and nothing the app does not serve', async () => {
    const document = await fetchDocument();
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    // app.routes holds middleware too (method ALL); the routes are the rest.
    const served = app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`);
    expect(new Set(documented)).toEqual(new Set(served));
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it('marks exactly the public routes as needing no key', async () => {
    const document = await fetchDocument();
    const publicRoutes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => Array.isArray(operation?.security) && operation.security.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(publicRoutes.sort()).toEqual(
      ['GET /', 'GET /_version', `GET ${OPENAPI_PATH}`, 'GET /apple-touch-icon.png', 'GET /favicon.ico', 'GET /favicon.svg'].sort(),
    );
    for (const route of publicRoutes) {
      const [method, path] = route.split(' ') as [string, string];
      expect((await call(method, path, { key: null })).status, route).toBe(200);
    }
  });
});

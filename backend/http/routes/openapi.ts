import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../env.js';
import { createOpenApiDocument, OPENAPI_PATH, type OpenApiDocument } from '../openapi-document.js';

/**
 * `GET /api/openapi.json`: the API's OpenAPI 3.1 document, built from the protocol's zod
 * schemas at the first request. It is public (no `auth` header): it describes the API and
 * holds nothing of any user, and tools that read a spec seldom send keys. Register it
 * before the auth middleware, which it then never reaches.
 */
export function registerOpenApiRoutes(app: Hono<AppEnv>, deps: Pick<AppDeps, 'version'>): void {
  let document: OpenApiDocument | undefined;
  app.get(OPENAPI_PATH, (c) => {
    document ??= createOpenApiDocument(deps.version);
    return c.json(document);
  });
}

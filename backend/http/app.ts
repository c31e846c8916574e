import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { AUTH_HEADER, MAX_REQUEST_BYTES } from '../../protocol/index.js';
import { confineShareLinks, requireAuth } from '../auth/middleware.js';
import { PayloadTooLargeError } from '../errors.js';
import type { AppDeps, AppEnv } from './env.js';
import { createErrorHandler } from './errors.js';
import { registerExecRoutes } from './routes/exec.js';
import { registerJobsRoutes } from './routes/jobs.js';
import { registerKeyRoutes } from './routes/key.js';
import { registerMetaRoutes } from './routes/meta.js';
import { registerOpenApiRoutes } from './routes/openapi.js';
import { registerShareRoutes } from './routes/share.js';
import { logRequests } from './request-log.js';
import { applySecurityHeaders, preventCaching } from './security.js';

/**
 * The HTTP API as one hono app speaking web standards (`app.request()` in tests,
 * `app.fetch` anywhere); Lambda reaches it through hono's aws-lambda adapter.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', c.env?.requestContext?.requestId ?? c.env?.lambdaContext?.awsRequestId ?? randomUUID());
    await next();
  });
  // One line per request unless LOG_REQUESTS is off (the local runtime turns it on with `serve --verbose`).
  if (deps.config.logRequests) app.use('*', logRequests(deps.logger));
  app.use('*', applySecurityHeaders());
  app.use('/api/*', preventCaching());
  app.use(
    '/api/*',
    cors({ origin: '*', allowHeaders: [AUTH_HEADER, 'content-type'], allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'], maxAge: 600 }),
  );
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(`Expected a request body of at most ${MAX_REQUEST_BYTES} bytes`);
      },
    }),
  );
  // Public, so registered before the auth middleware (its handler answers first).
  registerOpenApiRoutes(app, deps);
  app.use('/api/*', requireAuth(deps.auth, deps.config.authFailDelayMs, deps.now));
  app.use('/api/*', confineShareLinks());
  registerExecRoutes(app, deps);
  registerJobsRoutes(app, deps);
  registerKeyRoutes(app, deps);
  registerShareRoutes(app, deps);
  registerMetaRoutes(app, deps);
  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError(createErrorHandler(deps.logger));
  return app;
}

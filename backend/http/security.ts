import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers on every answer (errors and 404s included). The CSP is strict
 * everywhere (JSON needs nothing) except where a route sets its own: the web page at `/`
 * allows its inline script and style by hash (routes/page.ts).
 */
export function applySecurityHeaders(): MiddlewareHandler {
  return secureHeaders({
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
    // The API is read cross-origin (CORS) by the SDK in other pages.
    crossOriginResourcePolicy: false,
    // A header a route set itself (the page's CSP) is kept.
    overwrite: false,
  });
}

/** `Cache-Control: no-store` for API answers: they carry presigned URLs and per-user data. */
export function preventCaching(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  };
}

import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers on every answer (errors and 404s included). The CSP is strict
 * everywhere: JSON needs nothing, and the placeholder page has no script, style or image.
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
  });
}

/** `Cache-Control: no-store` for API answers: they carry presigned URLs and per-user data. */
export function preventCaching(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  };
}

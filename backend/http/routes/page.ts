import type { Context, Hono } from 'hono';
import type { AppDeps, AppEnv } from '../env.js';
import { renderHomePage } from '../home.js';
import { APPLE_TOUCH_ICON_PNG, FAVICON_SVG } from '../icons.js';
import { acceptsGzip, describePagePolicy, preparePage, type PreparedPage } from '../page.js';
import { loadPageHtml } from '../page-source.js';

const PROBE_KEY = 'aws-exec-page-probe';
const ICON_CACHE = 'public, max-age=86400';

/**
 * The web page at `/` (the built page, else a placeholder), prepared once: gzip-compressed
 * for clients that accept it, with an ETag (304 on a match) and a CSP that allows only its
 * own inline script and style, by hash. Also its icons.
 */
export function registerPageRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  // Prepared at the first request for it, not when the app is made: a process that only
  // runs jobs never reads, compresses or hashes the page.
  let page: PreparedPage | undefined;
  let storageOrigin: Promise<string | undefined> | undefined;

  app.get('/', async (c) => {
    const prepared = (page ??= preparePage(loadPageHtml() ?? renderHomePage(deps.version.name, deps.version.version)));
    storageOrigin ??= findStorageOrigin(deps);
    const headers: Record<string, string> = {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': describePagePolicy(prepared, await storageOrigin),
      'cache-control': 'no-cache',
      etag: prepared.etag,
      vary: 'accept-encoding',
    };
    if (matchesEtag(c, prepared.etag)) return c.body(null, 304, headers);
    if (acceptsGzip(c.req.header('accept-encoding'))) return c.body(prepared.gzip, 200, { ...headers, 'content-encoding': 'gzip' });
    return c.body(prepared.body, 200, headers);
  });
  app.get('/favicon.svg', (c) => c.body(FAVICON_SVG, 200, { 'content-type': 'image/svg+xml', 'cache-control': ICON_CACHE }));
  for (const path of ['/apple-touch-icon.png', '/favicon.ico']) {
    app.get(path, (c) => c.body(new Uint8Array(APPLE_TOUCH_ICON_PNG), 200, { 'content-type': 'image/png', 'cache-control': ICON_CACHE }));
  }
}

/** The origin of the bucket's presigned URLs (the page reads logs from there), or undefined if presigning fails. */
async function findStorageOrigin(deps: AppDeps): Promise<string | undefined> {
  try {
    return new URL(await deps.objects.presignGet(PROBE_KEY, 60)).origin;
  } catch (error) {
    deps.logger.warn('could not find the bucket origin for the page CSP', { error });
    return undefined;
  }
}

function matchesEtag(c: Context<AppEnv>, etag: string): boolean {
  const header = c.req.header('if-none-match');
  if (!header) return false;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
}

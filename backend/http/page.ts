import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** The web page, prepared once at startup: its bytes, gzip-compressed bytes, ETag and inline hashes. */
export interface PreparedPage {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  etag: string;
  /** CSP sources (`'sha256-...'`) of its inline scripts and inline styles. */
  scriptHashes: string[];
  styleHashes: string[];
}

const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi;
const STYLE = /<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi;

/** Compresses the page and hashes it and its inline scripts and styles. */
export function preparePage(html: string): PreparedPage {
  const body = new TextEncoder().encode(html);
  return {
    body,
    gzip: new Uint8Array(gzipSync(body, { level: 9 })),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    scriptHashes: hashInline(html, SCRIPT),
    styleHashes: hashInline(html, STYLE),
  };
}

/**
 * The page's Content-Security-Policy: nothing by default; its own inline script and
 * style by hash; images (the icons) and API calls from its own origin; the log reads
 * from the bucket's origin (presigned URLs).
 */
export function describePagePolicy(page: PreparedPage, storageOrigin: string | undefined): string {
  const sources = (list: string[]) => (list.length > 0 ? list.join(' ') : "'none'");
  return [
    "default-src 'none'",
    `script-src ${sources(page.scriptHashes)}`,
    `style-src ${sources(page.styleHashes)}`,
    "img-src 'self'",
    `connect-src 'self'${storageOrigin ? ` ${storageOrigin}` : ''}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Whether an Accept-Encoding header accepts gzip: named (or `*`) with a quality above 0. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  const qualities = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [coding = '', ...params] = part.split(';').map((item) => item.trim());
    const quality = params.find((param) => param.startsWith('q='));
    qualities.set(coding, quality === undefined ? 1 : Number(quality.slice(2)) || 0);
  }
  return (qualities.get('gzip') ?? qualities.get('*') ?? 0) > 0;
}

function hashInline(html: string, pattern: RegExp): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(pattern)) {
    const content = match[1] ?? '';
    if (content.trim() === '' && /\bsrc\s*=/i.test(match[0])) continue;
    hashes.add(`'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

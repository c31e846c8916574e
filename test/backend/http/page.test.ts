import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderHomePage } from '../../../backend/http/home.js';
import { acceptsGzip, describePagePolicy, preparePage } from '../../../backend/http/page.js';
import { createTestApp } from '../helpers/app.js';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the prepared page', () => {
  it('hashes its inline scripts and styles for the CSP, and compresses it', () => {
    const html = '<html><head><style>body{color:red}</style><script type="module">console.log(1)</script><script src="x.js"></script></head></html>';
    const page = preparePage(html);
    expect(page.scriptHashes).toEqual([sha256('console.log(1)')]);
    expect(page.styleHashes).toEqual([sha256('body{color:red}')]);
    expect(gunzipSync(page.gzip).toString('utf8')).toBe(html);
    expect(page.etag).toMatch(/^"[\w-]{27}"$/);
    const policy = describePagePolicy(page, 'http://127.0.0.1:4566');
    expect(policy).toContain(`script-src ${sha256('console.log(1)')};`);
    expect(policy).toContain(`style-src ${sha256('body{color:red}')};`);
    expect(policy).toContain("connect-src 'self' http://127.0.0.1:4566;");
    expect(policy).toContain("default-src 'none'");
  });

  it('allows no script or style at all for a page without any, such as the placeholder', () => {
    const policy = describePagePolicy(preparePage(renderHomePage('aws-exec', '1.0.0')), undefined);
    expect(policy).toContain("script-src 'none'; style-src 'none'");
    expect(policy).toContain("connect-src 'self';");
  });

  it('reads Accept-Encoding, qualities included', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8')).toBe(true);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe('the page route', () => {
  it('answers gzip when accepted, plain otherwise, 304 on a matching ETag, and keeps the strict CSP on the API', async () => {
    const { call } = createTestApp();
    const plain = await call('GET', '/', { key: null });
    const html = await plain.text();
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('accept-encoding');
    const gzipped = await call('GET', '/', { key: null, headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).toString('utf8')).toBe(html);
    const csp = plain.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' https://objects.test");
    expect(csp).not.toContain('unsafe');
    const etag = plain.headers.get('etag') ?? '';
    expect((await call('GET', '/', { key: null, headers: { 'if-none-match': `W/${etag}` } })).status).toBe(304);
    expect((await call('GET', '/_version', { key: null })).headers.get('content-security-policy')).toBe(
      "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('serves the icons', async () => {
    const { call } = createTestApp();
    const svg = await call('GET', '/favicon.svg', { key: null });
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    const png = Buffer.from(await (await call('GET', '/apple-touch-icon.png', { key: null })).arrayBuffer());
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(180);
  });
});

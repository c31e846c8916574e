import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/runtime.js';

const PAGE = join(REPO, 'dist/frontend/index.html');
const KB = 1024;
/** The target for the whole bundle (the SDK's schemas use zod/mini to meet it, see frontend/README.md). */
const TARGET_TOTAL = 40 * KB;
/**
 * The page's own code and preact: everything but the SDK. 16 KB until the log view gained
 * search, line links, groups, wrap and timestamps and the jobs re-run, paging and
 * notifications (16.7 KB then); the whole page stays within TARGET_TOTAL.
 */
const BUDGET_PAGE = 20 * KB;

const gzipSize = (text: string) => gzipSync(text, { level: 9 }).length;
const inline = (html: string, tag: string) => [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1]).join('');

/** The SDK alone, bundled and minified as the page is: what importing it costs. */
async function measureClientBundle(): Promise<number> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      target: 'es2022',
      lib: { entry: join(REPO, 'client/index.ts'), formats: ['es'], fileName: 'client' },
      minify: true,
    },
  });
  const results = Array.isArray(output) ? output : [output];
  const code = results.flatMap((result) => ('output' in result ? result.output : [])).map((chunk) => ('code' in chunk ? chunk.code : '')).join('');
  return gzipSize(code);
}

describe('the size of the built page', () => {
  it('keeps the JavaScript within its budget (gzip), and prints the figures', async () => {
    expect(existsSync(PAGE), `Expected the built page at ${PAGE}: run \`npm run build\` first`).toBe(true);
    const html = readFileSync(PAGE, 'utf8');
    const js = gzipSize(inline(html, 'script'));
    const css = gzipSize(inline(html, 'style'));
    const client = await measureClientBundle();
    const page = js - client;
    const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
    console.log(
      `page size (gzip -9): whole page ${kb(gzipSize(html))}; JS ${kb(js)} (target ${kb(TARGET_TOTAL)}), ` +
        `of which the SDK with zod ~${kb(client)} and the page's own code with preact ~${kb(page)} (budget ${kb(BUDGET_PAGE)}); CSS ${kb(css)}`,
    );
    expect(js).toBeLessThanOrEqual(TARGET_TOTAL);
    expect(page).toBeLessThanOrEqual(BUDGET_PAGE);
  }, 60_000);
});

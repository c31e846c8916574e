import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/runtime.js';
import { ARTIFACTS } from './browser.js';
import { pressEnterForJob, runAtPrompt, useWebHarness, visibleRows, waitForExit, type OpenOptions } from './harness.js';

const web = useWebHarness();
const open = (options?: OpenOptions) => web.open(options);

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${web.runtime.config.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web page, served by the local runtime', () => {
  it('is one self-contained file served gzip-compressed, with a CSP allowing only its own inline script and style', async () => {
    const built = readFileSync(join(REPO, 'dist/frontend/index.html'));
    const gzipped = await get('/', { 'accept-encoding': 'gzip, deflate' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).equals(built)).toBe(true);
    expect(gzipped.body.length).toBeLessThan(built.length / 2);
    const plain = await get('/');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(built)).toBe(true);

    const html = built.toString('utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
    const script = /<script type="module"[^>]*>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    const csp = String(plain.headers['content-security-policy']);
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(plain.headers['x-frame-options']).toBe('DENY');
    expect(plain.headers['x-content-type-options']).toBe('nosniff');

    const again = await get('/', { 'if-none-match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
    const api = await get('/_version');
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
    expect(api.headers['content-security-policy']).not.toContain('script-src');
    for (const icon of ['/favicon.svg', '/apple-touch-icon.png']) expect((await get(icon)).status).toBe(200);
  });

  it('refuses a wrong key, accepts the right one, and signs out', async () => {
    const page = await open({ auth: null });
    const key = page.getByLabel('Auth key');
    await key.fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /That key was refused/ }).waitFor({ timeout: 5000 });
    await key.fill(web.runtime.config.auth);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('textbox', { name: /^Command/ }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('aws-exec.auth'))).toBe(web.runtime.config.auth);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Auth key').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('aws-exec.auth'))).toBeNull();
  });

  it('goes back to the sign-in when a stored key stops working', async () => {
    const page = await open({ auth: 'a-key-that-was-removed' });
    await page.getByRole('alert').filter({ hasText: /sign in again/ }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Auth key').waitFor();
  });

  it('renders ANSI colours and styles in the log, copies its text and downloads its bytes', async () => {
    const page = await open();
    await runAtPrompt(page, String.raw`printf '\033[31mred\033[0m \033[1;32mbold green\033[0m \033[38;2;0;0;255mblue\033[0m\n'`);
    expect(await waitForExit(page)).toEqual({ kind: 'success', label: 'exit 0' });
    const red = page.locator('.log .row .text span', { hasText: /^red$/ });
    expect(await red.evaluate((element) => getComputedStyle(element).color)).toBe('rgb(196, 38, 46)');
    const bold = page.locator('.log .row .text span', { hasText: 'bold green' });
    expect(await bold.evaluate((element) => [getComputedStyle(element).fontWeight, getComputedStyle(element).color])).toEqual(['700', 'rgb(23, 122, 50)']);
    const blue = page.locator('.log .row .text span', { hasText: 'blue' });
    expect(await blue.evaluate((element) => getComputedStyle(element).color)).toBe('rgb(0, 0, 255)');
    expect(await visibleRows(page)).toEqual(['red bold green blue']);

    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied the log' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('red bold green blue');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    const saved = readFileSync(await download.path(), 'utf8');
    expect(saved).toBe('\x1b[31mred\x1b[0m \x1b[1;32mbold green\x1b[0m \x1b[38;2;0;0;255mblue\x1b[0m\n');
    expect(download.suggestedFilename()).toMatch(/^\d{10}\.[0-9a-f-]{36}\.log$/);
  });

  it('shows a \\r progress job as one line, not hundreds', async () => {
    const page = await open();
    await runAtPrompt(page, String.raw`for i in $(seq 1 300); do printf '\rprogress %d%%' $i; done; echo; echo done`);
    await waitForExit(page);
    expect(await visibleRows(page)).toEqual(['progress 300%', 'done']);
  });

  it('runs a registered command through its generated form, blocking invalid input with a message by the field', async () => {
    const page = await open();
    await page.getByLabel('Run', { exact: true }).selectOption('http-check');
    const form = page.getByRole('form', { name: 'http-check arguments' });
    await form.getByLabel(/^url/).fill('not a url');
    await form.getByLabel(/^count/).fill('0');
    await form.getByRole('button', { name: 'Run http-check' }).click();
    await form.locator('#arg-url-error').waitFor();
    expect(await form.locator('#arg-url-error').textContent()).toBe('Expected a URL, got `not a url`');
    expect(await form.locator('#arg-count-error').textContent()).toBe('Expected at least 1, got 0');
    expect(await form.getByLabel(/^url/).evaluate((element) => element === document.activeElement)).toBe(true);
    expect(page.url()).not.toContain('#/job/');

    await form.getByLabel(/^url/).fill(`${web.runtime.config.url}/_version`);
    await form.getByLabel(/^count/).fill('2');
    await form.getByLabel(/^intervalMs/).fill('0');
    await form.getByRole('button', { name: 'Run http-check' }).click();
    await page.waitForURL(/#\/job\//);
    expect(await waitForExit(page)).toEqual({ kind: 'success', label: 'exit 0' });
    expect((await visibleRows(page)).at(-1)).toBe('2/2 tries answered 2xx');
    await page.locator('.job-title', { hasText: `http-check url=${web.runtime.config.url}/_version count=2 intervalMs=0` }).waitFor({ timeout: 5000 });
  });

  it('cancels a running job and shows the cancelled badge', async () => {
    const page = await open();
    await runAtPrompt(page, 'echo started; sleep 600');
    await page.locator('.log .row .text', { hasText: 'started' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    expect(await waitForExit(page, 15_000)).toEqual({ kind: 'cancelled', label: 'cancelled (130)' });
    await page.getByRole('button', { name: 'Cancel' }).waitFor({ state: 'detached' });
  });

  it("resumes the whole log when a running job's page is reloaded", async () => {
    const page = await open();
    await runAtPrompt(page, 'for i in $(seq 1 30); do echo line $i; sleep 0.1; done');
    await page.locator('.log .row .text', { hasText: 'line 3' }).waitFor();
    await page.reload();
    expect(await page.locator('.job .badge').getAttribute('data-kind')).toBe('running');
    await waitForExit(page);
    expect(await visibleRows(page)).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
  });

  it('renders a 100,000-line log with only the visible rows in the page, and scrolls through it', async () => {
    const page = await open();
    await runAtPrompt(page, 'seq 1 100000');
    await waitForExit(page, 60_000);
    const log = page.locator('.log');
    await expect.poll(() => log.getAttribute('data-lines')).toBe('100000');
    const rows = await visibleRows(page);
    expect(rows.length).toBeLessThan(150);
    expect(rows.at(-1)).toBe('100000'); // it followed the end

    await log.evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
    await page.locator('.log .row .text', { hasText: /^50000$/ }).waitFor({ timeout: 5000 });
    expect((await visibleRows(page)).length).toBeLessThan(150);
    await page.getByRole('button', { name: /Follow/ }).click();
    await page.locator('.log .row .text', { hasText: /^100000$/ }).waitFor({ timeout: 5000 });
  });

  it('stops following a running log when the reader scrolls up, and follows again back at the bottom', async () => {
    const page = await open();
    await runAtPrompt(page, 'for i in $(seq 1 300); do echo tick $i; sleep 0.01; done; sleep 1; echo last');
    const log = page.locator('.log');
    const lines = async () => Number(await log.getAttribute('data-lines'));
    await page.locator('.log .row .text', { hasText: /^tick 60$/ }).waitFor();
    await log.evaluate((element) => element.scrollTo({ top: 0 }));
    const atScroll = await lines();
    await expect.poll(lines, { timeout: 15_000 }).toBeGreaterThan(atScroll + 50); // more lines came while the reader was up
    expect(await log.evaluate((element) => element.scrollTop)).toBe(0);
    expect(await visibleRows(page)).toContain('tick 1');
    await log.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await waitForExit(page);
    await page.locator('.log .row .text', { hasText: /^last$/ }).waitFor({ timeout: 5000 });
    expect(await log.evaluate((element) => element.scrollTop + element.clientHeight >= element.scrollHeight - element.clientHeight / 10)).toBe(true);
  });

  it('runs ?cmd= on load, keeps a history walked with the arrow keys, and answers history and clear', async () => {
    const page = await open({ path: `/?cmd=${encodeURIComponent('echo from the url')}` });
    await page.waitForURL(/#\/job\//);
    await waitForExit(page);
    expect(await visibleRows(page)).toEqual(['from the url']);
    expect(new URL(page.url()).search).toBe('');

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    const prompt = page.getByRole('textbox', { name: /^Command/ });
    expect(await prompt.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => prompt.inputValue()).toBe('echo from the url');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => prompt.inputValue()).toBe('');
    await prompt.fill('echo one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('echo two');
    await expect.poll(() => prompt.inputValue()).toBe('echo one\necho two');
    await pressEnterForJob(page);
    await waitForExit(page);
    expect(await visibleRows(page)).toEqual(['one', 'two']);

    await prompt.fill('history');
    await page.keyboard.press('Enter');
    await page.getByLabel('Output').filter({ hasText: /1 {2}echo from the url\n2 {2}echo one\n {3}echo two/ }).waitFor({ timeout: 5000 });
    await prompt.fill('clear');
    await page.keyboard.press('Enter');
    await page.getByLabel('Output').waitFor({ state: 'detached' });
    await page.locator('.jobs li').first().waitFor();
  });

  it('fits a 360 px phone and a desktop, light and dark (screenshots in test-artifacts/)', async () => {
    const phone = { width: 360, height: 740 };
    const script = String.raw`printf '\033[1mBuilding\033[0m aws-exec\n'; for c in 31 32 33 34 35 36; do printf '\033[%sm colour %s \033[0m' $c $c; done; echo; printf '\033[33mwarning:\033[0m a long line that goes on and on past the right edge of a phone screen\n'; echo ok`;
    const page = await open({ viewport: phone });
    const uid = await runAtPrompt(page, script);
    await waitForExit(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await page.screenshot({ path: join(ARTIFACTS, 'web-phone-job.png') });
    await page.goto(`${web.runtime.config.url}/#/`);
    await page.locator('.jobs li').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await page.screenshot({ path: join(ARTIFACTS, 'web-phone-home.png'), fullPage: true });
    await page.getByLabel('Run', { exact: true }).selectOption('http-check');
    await page.getByRole('button', { name: 'Run http-check' }).click();
    await page.screenshot({ path: join(ARTIFACTS, 'web-phone-form.png'), fullPage: true });

    const dark = await open({ viewport: phone, colorScheme: 'dark', path: `/#/job/${uid}` });
    await waitForExit(dark);
    await dark.screenshot({ path: join(ARTIFACTS, 'web-phone-job-dark.png') });

    const desktop = await open({ path: `/#/job/${uid}` });
    await waitForExit(desktop);
    await desktop.screenshot({ path: join(ARTIFACTS, 'web-desktop-job.png') });
    const home = await open({ colorScheme: 'dark' });
    await home.locator('.jobs li').first().waitFor();
    await home.screenshot({ path: join(ARTIFACTS, 'web-desktop-home-dark.png') });
    const signIn = await open({ auth: null, viewport: phone });
    await signIn.getByLabel('Auth key').waitFor();
    await signIn.screenshot({ path: join(ARTIFACTS, 'web-phone-sign-in.png') });
  });
});

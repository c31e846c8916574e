import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../client/index.js';
import { runCli } from '../cli/run-cli.js';
import { ARTIFACTS } from './browser.js';
import { PHONE, pressEnterForJob, runAtPrompt, uidOf, useWebHarness, visibleRows, waitForExit } from './harness.js';

// One key starts 52 jobs at once below, above the per-key cap env.sh.template sets (25).
const web = useWebHarness({ strictConsole: true, runtime: { env: { KEY_MAX_RUNNING_JOBS: '0' } } });

describe('jobs on the page', () => {
  it('re-runs a shell job: Re-run refills the prompt, Enter runs it again', async () => {
    const page = await web.open();
    const first = await runAtPrompt(page, 'echo again-$((1 + 1))');
    await waitForExit(page);
    await page.getByRole('button', { name: 'Re-run' }).click();
    const prompt = page.getByRole('textbox', { name: /^Command/ });
    await expect.poll(() => prompt.inputValue()).toBe('echo again-$((1 + 1))');
    expect(await prompt.evaluate((element) => element === document.activeElement)).toBe(true);
    const second = await pressEnterForJob(page);
    expect(second).not.toBe(first);
    await waitForExit(page);
    expect(await visibleRows(page)).toEqual(['again-2']);
  });

  it("titles a registered command's job with its arguments, and Re-run refills its form with them", async () => {
    const page = await web.open();
    await page.getByLabel('Run', { exact: true }).selectOption('http-check');
    const form = page.getByRole('form', { name: 'http-check arguments' });
    await form.getByLabel(/^url/).fill(`${web.runtime.config.url}/_version`);
    await form.getByLabel(/^count/).fill('1');
    await form.getByRole('button', { name: 'Run http-check' }).click();
    await page.waitForURL(/#\/job\//);
    await waitForExit(page);
    await page.locator('.job-title', { hasText: `http-check url=${web.runtime.config.url}/_version count=1 intervalMs=1000 timeoutMs=5000` }).waitFor();
    await page.getByLabel('Run', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Re-run' }).click();
    await expect.poll(() => form.getByLabel(/^count/).inputValue()).toBe('1');
    expect(await form.getByLabel(/^url/).inputValue()).toBe(`${web.runtime.config.url}/_version`);
    const first = uidOf(page);
    await form.getByRole('button', { name: 'Run http-check' }).click();
    await page.waitForURL((url) => url.hash.startsWith('#/job/') && !url.hash.includes(first));
    expect(await waitForExit(page)).toEqual({ kind: 'success', label: 'exit 0' });
  });

  it("shows one not-found state, without a badge, for a malformed uid, an unknown one and another key's job", async () => {
    const made = await runCli(['--data-dir', web.runtime.dataDir, 'auth', 'new', 'mallory']);
    expect(made.status).toBe(0);
    const other = createClient({ url: web.runtime.config.url, auth: made.stdout.toString().trim() });
    const foreign = await other.start({ argv: ['echo', 'not yours'] });
    for (const uid of ['not-a-uid', '1700000000.00000000-0000-4000-8000-000000000000', foreign]) {
      const page = await web.open({ path: `/#/job/${uid}` });
      await page.getByRole('heading', { name: 'No such job' }).waitFor();
      expect(await page.locator('.badge').count()).toBe(0);
      expect(await page.locator('.log').count()).toBe(0);
      expect(await page.title()).toBe('no such job — aws-exec');
      web.watched(page).consoleErrors.length = 0; // the API's 404 for such a uid is the answer itself
      if (uid === foreign) await page.screenshot({ path: join(ARTIFACTS, 'web-desktop-not-found.png') });
    }
  });

  it('asks before cancelling, notifies when a watched job ends (permission asked on the click) and says so in the tab title', async () => {
    const page = await web.open();
    await web.watched(page).context.grantPermissions(['notifications'], { origin: web.runtime.config.url });
    await page.evaluate(() => {
      const shown: string[] = [];
      (window as unknown as { shown: string[] }).shown = shown;
      const Native = window.Notification;
      window.Notification = class extends Native {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push(title);
        }
      } as typeof Notification;
    });
    await runAtPrompt(page, 'echo working; sleep 3; exit 4');
    await page.locator('.log .row .text', { hasText: 'working' }).waitFor();
    await expect.poll(() => page.title()).toMatch(/^● running · echo working; sleep 3; exit 4 — aws-exec$/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('group', { name: 'Confirm cancel' }).waitFor();
    await page.getByRole('button', { name: 'Keep it running' }).click();
    await page.getByRole('button', { name: 'Notify me' }).click();
    await page.getByRole('status').filter({ hasText: 'You will be notified when it ends' }).waitFor();
    expect(await waitForExit(page)).toEqual({ kind: 'failure', label: 'exit 4' });
    await expect.poll(() => page.evaluate(() => (window as unknown as { shown: string[] }).shown)).toEqual(['exit 4 · echo working; sleep 3; exit 4']);
    expect(await page.title()).toBe('✗ exit 4 · echo working; sleep 3; exit 4 — aws-exec');
  });

  it('lists jobs with their start and elapsed time, filters them by status and pages past 50', async () => {
    const client = createClient({ url: web.runtime.config.url, auth: web.runtime.config.auth });
    await Promise.all(Array.from({ length: 52 }, (_, index) => client.exec({ argv: ['sh', '-c', `exit ${index === 0 ? 3 : 0}`] })));
    const running = await client.start({ argv: ['sleep', '20'] });
    const page = await web.open();
    const items = page.locator('.jobs li');
    await items.first().waitFor();
    expect(await items.count()).toBe(50);
    expect(await items.first().locator('small').textContent()).toMatch(/ · \d+(\.\d)? s so far$|· \d+ ms so far$/);
    expect(await items.nth(5).locator('small').textContent()).toMatch(/^\d.* · \d+(\.\d)? m?s$/);
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.getByLabel('Status').selectOption('failed');
    await expect.poll(() => items.first().textContent()).toMatch(/^exit 3sh -c 'exit 3'/);
    expect(await items.locator('.badge').evaluateAll((badges) => badges.map((badge) => badge.getAttribute('data-kind')))).not.toContain('success');
    await page.getByLabel('Status').selectOption('running');
    await expect.poll(() => items.count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'web-desktop-jobs-running.png') });
    await client.cancel(running);

    const phone = await web.open({ viewport: PHONE, colorScheme: 'dark' });
    await phone.locator('.jobs li').first().waitFor();
    await phone.screenshot({ path: join(ARTIFACTS, 'web-phone-jobs-dark.png') });
  }, 120_000);
});

import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../client/index.js';
import { runCli } from '../cli/run-cli.js';
import { ARTIFACTS } from './browser.js';
import { PHONE, pressEnterForJob, runAtPrompt, uidOf, useWebHarness, visibleRows, waitForExit } from './harness.js';

// One key starts 120 jobs below, 20 at once, beyond the per-key cap env.sh.template sets (25).
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
      // The API's 404s for such a uid (the tail's and the summary's, read side by side) are the
      // answer itself; the heading shows on the first, so wait for the other before clearing them.
      await page.waitForLoadState('networkidle');
      web.watched(page).consoleErrors.length = 0;
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

  it('pages through more than 120 jobs 50 at a time with the API\'s cursor, Older and Newer, with their start and elapsed time', async () => {
    const { newestFirst } = await seedJobs();
    const page = await web.open();
    const items = page.locator('.jobs li');
    await expect.poll(() => listedUids(page)).toEqual(newestFirst.slice(0, 50));
    expect(await items.nth(5).locator('small').textContent()).toMatch(/^\d.* · \d+(\.\d)? m?s$/);
    expect(await pageRange(page)).toBe('1–50');
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => listedUids(page)).toEqual(newestFirst.slice(50, 100));
    expect(await pageRange(page)).toBe('51–100');
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => listedUids(page)).toEqual(newestFirst.slice(100));
    expect(await pageRange(page)).toBe(`101–${newestFirst.length}`);
    expect(await page.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(() => listedUids(page)).toEqual(newestFirst.slice(50, 100));
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(() => listedUids(page)).toEqual(newestFirst.slice(0, 50));
    expect(await page.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);
  }, 240_000);

  it('filters by status through the API, and fills pages of succeeded or failed jobs from as many pages as they need', async () => {
    const { newestFirst, failed } = await seedJobs();
    const succeeded = newestFirst.filter((uid) => !failed.includes(uid));
    const page = await web.open();
    const asked = watchListCalls(page);
    await expect.poll(() => listedUids(page)).toHaveLength(50);
    await page.getByLabel('Status').selectOption('failed');
    await expect.poll(() => listedUids(page)).toEqual(failed);
    const badges = await page.locator('.jobs li .badge').evaluateAll((found) => found.map((badge) => badge.getAttribute('data-kind')));
    expect(badges).toHaveLength(failed.length);
    expect(badges).not.toContain('success');
    expect(await page.getByRole('navigation', { name: 'Pages' }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('succeeded');
    await expect.poll(() => listedUids(page)).toEqual(succeeded.slice(0, 50));
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => listedUids(page)).toEqual(succeeded.slice(50, 100));
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => listedUids(page)).toEqual(succeeded.slice(100));
    expect(await pageRange(page)).toBe(`101–${succeeded.length}`);
    await page.getByLabel('Status').selectOption('running');
    await page.getByText('No running jobs.').waitFor();
    // The filter goes to the API: exited jobs for succeeded and failed, queued and running for running; never the 1,000 newest.
    const filters = asked.map((query) => query.get('status')).filter((status) => status !== null);
    expect(new Set(filters)).toEqual(new Set(['exited', 'queued,running']));
    expect(asked.every((query) => Number(query.get('limit')) <= 50)).toBe(true);
  }, 240_000);

  it('reads the page shown again every 5 s while a job on it runs, and on Refresh', async () => {
    await seedJobs();
    const client = createClient({ url: web.runtime.config.url, auth: web.runtime.config.auth });
    const running = await client.start({ argv: ['sleep', '30'] });
    const page = await web.open();
    await expect.poll(() => listedUids(page).then((uids) => uids[0])).toBe(running);
    expect(await page.locator('.jobs li').first().locator('small').textContent()).toMatch(/ · \d+(\.\d)? s so far$|· \d+ ms so far$/);
    await page.getByLabel('Status').selectOption('running');
    await expect.poll(() => listedUids(page)).toEqual([running]);
    await page.screenshot({ path: join(ARTIFACTS, 'web-desktop-jobs-running.png') });
    const second = await client.start({ argv: ['sleep', '30'] });
    await expect.poll(() => listedUids(page), { timeout: 12_000 }).toEqual([second, running]);
    await client.cancel(second);
    await client.cancel(running);
    await expect.poll(() => listedUids(page), { timeout: 12_000 }).toEqual([]);
    await page.getByText('No running jobs.').waitFor();
    // Nothing runs now: no timer; Refresh reads the page again.
    const third = await client.start({ argv: ['sleep', '30'] });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => listedUids(page)).toEqual([third]);
    await client.cancel(third);

    const phone = await web.open({ viewport: PHONE, colorScheme: 'dark' });
    await phone.locator('.jobs li').first().waitFor();
    await phone.screenshot({ path: join(ARTIFACTS, 'web-phone-jobs-dark.png') });
  }, 120_000);
});

let seeded: Promise<{ newestFirst: string[]; failed: string[] }> | undefined;

/** Starts 120 jobs once for the file (the 10th, 70th and 110th exit 3, the rest 0) and waits for their end; answers the uids of all the key's jobs newest first, and the failed ones'. */
function seedJobs(): Promise<{ newestFirst: string[]; failed: string[] }> {
  seeded ??= (async () => {
    const client = createClient({ url: web.runtime.config.url, auth: web.runtime.config.auth });
    const started: string[] = [];
    for (let batch = 0; batch < 120; batch += 20) {
      const uids = await Promise.all(Array.from({ length: 20 }, (_, at) => client.start({ argv: ['sh', '-c', `exit ${[9, 69, 109].includes(batch + at) ? 3 : 0}`] })));
      started.push(...uids);
    }
    const deadline = Date.now() + 120_000;
    while ((await client.list({ status: ['queued', 'running'], limit: 1000 })).some((job) => started.includes(job.uid))) {
      if (Date.now() > deadline) throw new Error('Expected the 120 jobs to end within 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // The key's jobs: these 120 and the few the tests above started, all ended.
    const listed = await client.list({ limit: 1000 });
    expect(listed.filter((job) => started.includes(job.uid))).toHaveLength(120);
    expect(listed.every((job) => job.status === 'exited')).toBe(true);
    return { newestFirst: listed.map((job) => job.uid), failed: listed.filter((job) => job.exit !== 0).map((job) => job.uid) };
  })();
  return seeded;
}

/** The uids of the jobs the list shows, top to bottom. */
async function listedUids(page: Page): Promise<string[]> {
  const hrefs = await page.locator('.jobs li a').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
  return hrefs.map((href) => decodeURIComponent(href.slice('#/job/'.length)));
}

/** The range the page navigation shows (`51–100`). */
function pageRange(page: Page): Promise<string | null> {
  return page.getByRole('navigation', { name: 'Pages' }).locator('span').textContent();
}

/** The queries of the page's GET /api/jobs calls from now on. */
function watchListCalls(page: Page): URLSearchParams[] {
  const asked: URLSearchParams[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/jobs') asked.push(url.searchParams);
  });
  return asked;
}

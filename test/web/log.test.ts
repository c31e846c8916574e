import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from './browser.js';
import { PHONE, runAtPrompt, uidOf, useWebHarness, visibleRows, waitForExit } from './harness.js';

const web = useWebHarness({ strictConsole: true });

/** Whether the row of a 1-based line is inside the log's visible box. */
async function isLineInView(page: Page, line: number): Promise<boolean> {
  return page.evaluate((number) => {
    const log = document.querySelector('.log');
    const row = document.querySelector(`.log .row[data-line="${number}"]`);
    if (!log || !row) return false;
    const box = log.getBoundingClientRect();
    const rect = row.getBoundingClientRect();
    return rect.top >= box.top && rect.bottom <= box.bottom;
  }, line);
}

describe('the log view', () => {
  it('finds line 150,000 of a 200,000-line log, scrolls to it, and steps through matches with a count', async () => {
    const page = await web.open();
    const uid = await runAtPrompt(page, 'seq 1 200000');
    await waitForExit(page, 90_000);
    await expect.poll(() => page.locator('.log').getAttribute('data-lines'), { timeout: 30_000 }).toBe('200000');
    await page.locator('.log').click();
    await page.keyboard.press('Control+f');
    const search = page.getByRole('searchbox', { name: 'Search the log' });
    expect(await search.evaluate((element) => element === document.activeElement)).toBe(true);
    await search.fill('150000');
    await page.getByRole('status', { name: 'Matches' }).filter({ hasText: '1 of 1' }).waitFor();
    await expect.poll(() => isLineInView(page, 150_000)).toBe(true);
    expect(await page.locator('.log .row.current .text mark').textContent()).toBe('150000');
    expect((await visibleRows(page)).length).toBeLessThan(150);

    await search.fill('19999');
    await page.getByRole('status', { name: 'Matches' }).filter({ hasText: '1 of 12' }).waitFor();
    await expect.poll(() => isLineInView(page, 19_999)).toBe(true);
    await search.press('Enter');
    await page.getByRole('status', { name: 'Matches' }).filter({ hasText: '2 of 12' }).waitFor();
    await expect.poll(() => isLineInView(page, 119_999)).toBe(true);
    await page.getByRole('button', { name: 'Previous match' }).click();
    await page.getByRole('button', { name: 'Previous match' }).click();
    await page.getByRole('status', { name: 'Matches' }).filter({ hasText: '12 of 12' }).waitFor();
    await expect.poll(() => isLineInView(page, 199_999)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'web-desktop-log-search.png') });
    expect(uid).toMatch(/^\d{10}\./);
  });

  it('opens a #/job/UID/L123 link scrolled to line 123 and highlights it; a line number is such a link', async () => {
    const first = await web.open();
    const uid = await runAtPrompt(first, 'seq 1 1000');
    await waitForExit(first);
    const page = await web.open({ path: `/#/job/${uid}/L123`, colorScheme: 'dark' });
    await page.locator('.log .row.target[data-line="123"]').waitFor();
    await expect.poll(() => isLineInView(page, 123)).toBe(true);
    expect(await page.locator('.log .row.target .text').textContent()).toBe('123');
    expect(await isLineInView(page, 1000)).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'web-desktop-log-line-dark.png') });

    await page.locator('.log .row[data-line="130"] .ln').click();
    await page.waitForURL(new RegExp(`#/job/${uid.replace('.', '\\.')}/L130$`));
    await page.locator('.log .row.target[data-line="130"]').waitFor();
  });

  it("folds GitHub's ::group:: and Buildkite's ---/+++ sections, and unfolds them on a click", async () => {
    const page = await web.open();
    await runAtPrompt(page, String.raw`printf '::group::Build\nstep 1\nstep 2\n::endgroup::\nbetween\n--- Test\nt1\nt2\n+++ Deploy\nd1\n'`);
    await waitForExit(page);
    await expect.poll(() => visibleRows(page)).toEqual(['Build', 'between', 'Test', 'Deploy', 'd1']);
    await page.getByRole('button', { name: 'Expand Build' }).click();
    await expect.poll(() => visibleRows(page)).toEqual(['Build', 'step 1', 'step 2', 'between', 'Test', 'Deploy', 'd1']);
    expect(await page.locator('.log .row[data-line="3"]').textContent()).toBe('3step 2'); // line numbers are the log's own
    await page.getByRole('button', { name: 'Collapse Deploy' }).click();
    await expect.poll(() => visibleRows(page)).toEqual(['Build', 'step 1', 'step 2', 'between', 'Test', 'Deploy']);
    await page.screenshot({ path: join(ARTIFACTS, 'web-desktop-log-groups.png') });
  });

  it('wraps long lines on a phone by default (no sideways scroll), with a toggle, and shows the log in view after Run', async () => {
    const page = await web.open({ viewport: PHONE });
    await page.getByLabel('Run', { exact: true }).selectOption('http-check'); // a long form above the log
    await page.getByLabel('Run', { exact: true }).selectOption('');
    await runAtPrompt(page, 'ls -la /usr/bin | head -40; echo "$(seq -s , 1 60)"');
    await waitForExit(page);
    const log = page.locator('.log');
    const box = await log.boundingBox();
    expect(box && box.y >= 0 && box.y < PHONE.height / 2).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Wrap' }).isChecked()).toBe(true);
    expect(await log.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    const longLine = page.locator('.log .row', { hasText: '58,59,60' });
    expect((await longLine.boundingBox())?.height).toBeGreaterThan(18);
    await page.screenshot({ path: join(ARTIFACTS, 'web-phone-log-wrapped.png') });
    const dark = await web.open({ viewport: PHONE, colorScheme: 'dark', path: `/#/job/${uidOf(page)}` });
    await waitForExit(dark);
    await dark.screenshot({ path: join(ARTIFACTS, 'web-phone-log-wrapped-dark.png') });

    await page.getByRole('checkbox', { name: 'Wrap' }).uncheck();
    await expect.poll(() => log.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('aws-exec.log-wrap'))).toBe('0');
  });

  it('does not wrap on a desktop unless asked, and shows when each line arrived with timestamps on', async () => {
    const page = await web.open();
    await runAtPrompt(page, 'echo one; sleep 1.2; echo two');
    await waitForExit(page);
    expect(await page.getByRole('checkbox', { name: 'Wrap' }).isChecked()).toBe(false);
    expect(await page.locator('.log .row .ts').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Timestamps' }).check();
    const stamps = await page.locator('.log .row .ts').allTextContents();
    expect(stamps).toHaveLength(2);
    for (const stamp of stamps) expect(stamp).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    const [one, two] = await page.locator('.log .row .ts').evaluateAll((elements) => elements.map((element) => Date.parse(element.getAttribute('title') ?? '')));
    expect((two ?? 0) - (one ?? 0)).toBeGreaterThanOrEqual(900);
    await page.screenshot({ path: join(ARTIFACTS, 'web-desktop-log-timestamps.png') });
  });

  it('tails a 30-second job without a single console error', async () => {
    const page = await web.open();
    await runAtPrompt(page, 'for i in $(seq 1 30); do echo tick $i; sleep 1; done');
    await waitForExit(page, 60_000);
    expect(await visibleRows(page)).toHaveLength(30);
    expect(web.watched(page).consoleErrors).toEqual([]);
  }, 90_000);
});

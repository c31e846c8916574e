import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from './browser.js';
import { PHONE, scrollsSideways, useWebHarness, waitForExit } from './harness.js';

const web = useWebHarness({ strictConsole: true });

/** Picks db-copy beside the prompt and fills the fields every mode shares. */
async function openDbCopy(page: Page, mode: 'identical' | 'masked' | 'subset'): Promise<Locator> {
  await page.getByLabel('Run', { exact: true }).selectOption('db-copy');
  const form = page.getByRole('form', { name: 'db-copy arguments' });
  await form.getByLabel(/^mode/).selectOption(mode);
  await form.getByLabel(/^source/).fill('NO_SUCH_SOURCE_URL');
  await form.getByLabel(/^target/).fill('NO_SUCH_TARGET_URL');
  return form;
}

/** Submits the form and waits for the job it started; returns the job's log text. */
async function submitForJob(page: Page, form: Locator): Promise<string> {
  await form.getByRole('button', { name: 'Run db-copy' }).click();
  await page.waitForURL(/#\/job\//);
  await waitForExit(page);
  return (await page.locator('.log .row .text').allTextContents()).join('\n');
}

describe("a registered command's form, generated from its zod schema", () => {
  it('submits db-copy in its default mode with source, target and dryRun only, showing no other mode\'s fields', async () => {
    const page = await web.open();
    const form = await openDbCopy(page, 'identical');
    expect(await form.getByLabel(/^mask/).count()).toBe(0);
    expect(await form.locator('legend', { hasText: /^subset/ }).count()).toBe(0);
    await form.getByLabel(/^dryRun/).check();
    const log = await submitForJob(page, form);
    expect(log).not.toMatch(/Invalid rpc-args/);
    expect(log).toMatch(/NO_SUCH_SOURCE_URL/);
    await page.locator('.job-title', { hasText: 'db-copy' }).waitFor();
  });

  it('refuses masked mode without a mask rule, then submits it with one drawn as a sub-form with its own fields', async () => {
    const page = await web.open();
    const form = await openDbCopy(page, 'masked');
    await form.getByRole('button', { name: 'Run db-copy' }).click();
    await form.locator('[id="arg-mask-error"]').waitFor();
    expect(await form.locator('[id="arg-mask-error"]').textContent()).toBe('Required');
    expect(page.url()).not.toContain('#/job/');

    await form.getByRole('button', { name: 'Add mask' }).click();
    const rule = form.getByRole('group', { name: 'mask 1' });
    await rule.getByLabel(/^rule/).selectOption('partial');
    await rule.getByLabel(/^table/).fill('users');
    await rule.getByLabel(/^column/).fill('ssn');
    expect(await rule.getByLabel(/^keep/).inputValue()).toBe('4');
    expect(await rule.getByLabel(/^pattern/).count()).toBe(0);
    await rule.getByLabel(/^rule/).selectOption('regex');
    expect(await rule.getByLabel(/^table/).inputValue()).toBe('users'); // kept across the switch
    await rule.getByLabel(/^pattern/).waitFor();
    await rule.getByLabel(/^rule/).selectOption('partial');
    await page.screenshot({ path: join(ARTIFACTS, 'web-desktop-db-copy-masked.png'), fullPage: true });
    const log = await submitForJob(page, form);
    expect(log).not.toMatch(/Invalid rpc-args/);
  });

  it('refuses subset mode without roots, then submits it with a root', async () => {
    const page = await web.open({ viewport: PHONE, colorScheme: 'dark' });
    const form = await openDbCopy(page, 'subset');
    await form.getByRole('button', { name: 'Run db-copy' }).click();
    await form.locator('[id="arg-subset.roots-error"]').waitFor();
    expect(await form.locator('[id="arg-subset.roots-error"]').textContent()).toBe('Required');
    const subset = form.getByRole('group', { name: /^subset/ });
    await subset.getByRole('button', { name: 'Add roots' }).click();
    await subset.getByLabel(/^table/).fill('tenants');
    await subset.getByLabel(/^where/).fill('id in (1, 2)');
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'web-phone-db-copy-subset-dark.png'), fullPage: true });
    const log = await submitForJob(page, form);
    expect(log).not.toMatch(/Invalid rpc-args/);
  });
});

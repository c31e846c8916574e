import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startTestRuntime, type StartOptions, type TestRuntime } from '../helpers/runtime.js';
import { launchChromium, openPage, type WatchedPage } from './browser.js';

/** The phone and desktop sizes every page test uses. */
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/** How a test opens the page. */
export interface OpenOptions {
  auth?: string | null;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  path?: string;
}

/** A runtime and a browser shared by one test file, with the pages it opened checked for problems after each test. */
export interface WebHarness {
  readonly runtime: TestRuntime;
  /** A page of the runtime's web UI, signed in unless `auth` is null. */
  open(options?: OpenOptions): Promise<Page>;
  /** The watched page behind a Page, for its console messages. */
  watched(page: Page): WatchedPage;
}

/**
 * Starts a runtime and Chromium before the file's tests and stops them after; after each
 * test, fails when a page saw a CSP refusal, an uncaught error or (with `strictConsole`)
 * any console error at all.
 */
export function useWebHarness(options: { runtime?: StartOptions; strictConsole?: boolean } = {}): WebHarness {
  let runtime: TestRuntime | undefined;
  let browser: Browser | undefined;
  let opened: WatchedPage[] = [];

  beforeAll(async () => {
    [runtime, browser] = await Promise.all([startTestRuntime(options.runtime), launchChromium()]);
  }, 120_000);

  afterEach(async () => {
    const problems = opened.flatMap((watched) => (options.strictConsole ? [...watched.problems, ...watched.consoleErrors] : watched.problems));
    await Promise.all(opened.map((watched) => watched.context.close()));
    opened = [];
    expect(problems, 'problems in the page (CSP refusals, uncaught errors, console errors)').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.dispose();
  });

  return {
    get runtime() {
      if (!runtime) throw new Error('Expected the runtime to be started (use the harness inside tests)');
      return runtime;
    },
    async open(open = {}) {
      if (!runtime || !browser) throw new Error('Expected the runtime and the browser to be started');
      const watched = await openPage(browser, {
        ...(open.auth === null ? {} : { auth: open.auth ?? runtime.config.auth }),
        ...(open.viewport ? { viewport: open.viewport } : {}),
        ...(open.colorScheme ? { colorScheme: open.colorScheme } : {}),
      });
      opened.push(watched);
      await watched.page.goto(`${runtime.config.url}${open.path ?? '/'}`);
      return watched.page;
    },
    watched(page) {
      const found = opened.find((watched) => watched.page === page);
      if (!found) throw new Error('Expected a page opened by this harness');
      return found;
    },
  };
}

/** Types a command at the prompt, presses Enter and waits for the job's page; returns the uid. */
export async function runAtPrompt(page: Page, command: string): Promise<string> {
  await page.getByRole('textbox', { name: /^Command/ }).fill(command);
  return pressEnterForJob(page);
}

/** Presses Enter at the prompt and waits for the page of the job it started. */
export async function pressEnterForJob(page: Page): Promise<string> {
  const before = page.url();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.href !== before && url.hash.startsWith('#/job/'));
  return uidOf(page);
}

/** The uid in the page's address (`#/job/UID` or `#/job/UID/L12`). */
export function uidOf(page: Page): string {
  return decodeURIComponent(new URL(page.url()).hash.slice('#/job/'.length).split('/')[0] ?? '');
}

/** Waits until the page has read the job's whole log and its exit code; returns its badge's kind and label. */
export async function waitForExit(page: Page, timeout = 30_000): Promise<{ kind: string | null; label: string }> {
  const badge = page.locator('.job[data-tail=ended] .badge:not([data-kind=running])');
  await badge.waitFor({ timeout });
  return { kind: await badge.getAttribute('data-kind'), label: (await badge.textContent()) ?? '' };
}

/** The text of the log rows now in the page (without line numbers or timestamps). */
export function visibleRows(page: Page): Promise<string[]> {
  return page.locator('.log .row .text').allTextContents();
}

/** Whether the page scrolls sideways (its content wider than the viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from '../helpers/runtime.js';

/** Where screenshots go (gitignored). */
export const ARTIFACTS = join(REPO, 'test-artifacts');

/** Debian's Chromium (`apt-get install chromium`), as CI installs it. */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches the system Chromium headless, without the background traffic a fresh profile makes. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page whose console errors about the Content-Security-Policy and uncaught errors are collected. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** CSP refusals and uncaught exceptions seen so far. */
  problems: string[];
  /** Every console error seen so far (the red lines of DevTools, failed loads included). */
  consoleErrors: string[];
}

/** Opens a page in a fresh context (own storage); with `auth`, already signed in. */
export async function openPage(
  browser: Browser,
  options: { auth?: string; viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  if (options.auth) await context.addInitScript((key) => localStorage.setItem('aws-exec.auth', key), options.auth);
  const page = await context.newPage();
  const problems: string[] = [];
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (/Content.Security.Policy|Refused to/i.test(message.text())) problems.push(message.text());
    else consoleErrors.push(`${message.text()} (${message.location().url.replace(/\?.*/, '?…')})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return { page, context, problems, consoleErrors };
}

import { describe, expect, it } from 'vitest';
import { createClient } from '../../client/index.js';
import { runCli } from '../cli/run-cli.js';
import { runAtPrompt, useWebHarness, visibleRows, waitForExit } from './harness.js';

// The page offers only what its key may do, and opens a share link without sign-in.
const web = useWebHarness({ strictConsole: true });

const newKey = async (...args: string[]) => {
  const made = await runCli(['--data-dir', web.runtime.dataDir, 'auth', 'new', ...args]);
  expect(made.status).toBe(0);
  return made.stdout.toString().trim();
};

describe('the page and what a key may do', () => {
  it('opens a share link without sign-in: the log and the end, no prompt, no Cancel, Share or Re-run', async () => {
    const owner = createClient({ url: web.runtime.config.url, auth: web.runtime.config.auth });
    const uid = await owner.start({ argv: ['sh', '-c', 'echo shared line; exit 3'] });
    await owner.tail(uid).exit();
    const share = await owner.share(uid);
    const page = await web.open({ auth: null, path: share.path });
    expect(await waitForExit(page)).toEqual({ kind: 'failure', label: 'exit 3' });
    expect(await visibleRows(page)).toEqual(['shared line']);
    expect(await page.getByRole('textbox', { name: /^Command/ }).count()).toBe(0);
    for (const name of ['Cancel', 'Share', 'Re-run', 'Sign out']) expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Download' }).count()).toBe(1);
  });

  it('says a revoked share link is revoked', async () => {
    const owner = createClient({ url: web.runtime.config.url, auth: web.runtime.config.auth });
    const uid = await owner.start({ argv: ['echo', 'gone'] });
    await owner.tail(uid).exit();
    const share = await owner.share(uid);
    await owner.revokeShare(share.id);
    const page = await web.open({ auth: null, path: share.path });
    await page.getByRole('alert').filter({ hasText: 'This share link has expired or was revoked.' }).waitFor();
    await page.waitForLoadState('networkidle'); // no answer still on its way when they are cleared
    web.watched(page).consoleErrors.length = 0; // the API's 401 is the answer itself
  });

  it('makes a share link with Share on the job page, which another browser opens', async () => {
    const page = await web.open();
    await web.watched(page).context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.runtime.config.url });
    await runAtPrompt(page, 'echo to share');
    await waitForExit(page);
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link).toMatch(new RegExp(`^${web.runtime.config.url}/#/share/\\d{10}\\.[0-9a-f-]{36}/share-[0-9a-f]{64}$`));
    await page.getByRole('status').filter({ hasText: /^Share link copied: anyone with it can follow this job until / }).waitFor();
    const other = await web.open({ auth: null, path: link.slice(web.runtime.config.url.length) });
    await waitForExit(other);
    expect(await visibleRows(other)).toEqual(['to share']);
  });

  it('gives a read key no prompt and no forms, only its jobs', async () => {
    const page = await web.open({ auth: await newKey('watcher', '--scope', 'read') });
    await page.getByLabel('Key rights').filter({ hasText: 'This key may follow and list its jobs; it may not start any.' }).waitFor();
    expect(await page.getByRole('textbox', { name: /^Command/ }).count()).toBe(0);
    expect(await page.getByLabel('Run', { exact: true }).count()).toBe(0);
  });

  it('gives an rpc key only the forms of its commands and no shell prompt', async () => {
    const page = await web.open({ auth: await newKey('lister', '--scope', 'rpc:listdir') });
    const picker = page.getByLabel('Run', { exact: true });
    await picker.waitFor();
    expect(await picker.locator('option').allTextContents()).toEqual(['listdir']);
    expect(await page.getByRole('textbox', { name: /^Command/ }).count()).toBe(0);
    await page.getByRole('form', { name: 'listdir arguments' }).waitFor();
  });
});

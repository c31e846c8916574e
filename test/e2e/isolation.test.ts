import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthKey } from '../../backend/auth/admin.js';
import { createClient, NotFoundError } from '../../client/index.js';
import { createGoClient, type GoClient } from '../helpers/go-client.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Two keys on one runtime: key B must not learn anything about key A's jobs, nor touch them.
let runtime: TestRuntime;
let aws: LocalAwsClients;
let alice: GoClient;
let bob: GoClient;
let bobKey: string;
let scratch: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  aws = createLocalAwsClients(runtime.config);
  bobKey = (await createAuthKey({ ddb: aws.ddb, table: runtime.config.table }, 'bob')).key;
  alice = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
  bob = createGoClient({ url: runtime.config.url, auth: bobKey });
  scratch = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-isolation-'));
});
afterAll(async () => {
  aws?.destroy();
  await runtime?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe("another key and a key's jobs, through real HTTP", () => {
  it("cannot see, tail, cancel or list A's running job, which runs on untouched", async () => {
    const gate = join(scratch, 'gate');
    const uid = await alice.start({ argv: ['sh', '-c', `echo 'a started'; while [ ! -e '${gate}' ]; do sleep 0.02; done; echo 'a done'`] });
    await vi.waitFor(async () => expect((await alice.readLog(uid)).toString()).toBe('a started\n'), { timeout: 30_000, interval: 50 });

    for (const path of [`/api/exec?uid=${uid}`, `/api/exec?uid=${uid}&range-start=0`, `/api/exec?uid=${uid}&range-start=10`]) {
      const seen = await bob.request('GET', path);
      expect({ path, status: seen.status }).toEqual({ path, status: 404 });
      expect(JSON.parse(seen.text)).toEqual({ error: `No job with uid \`${uid}\`` });
    }
    // The same answer as a uid that never existed: nothing tells B the job is there.
    const neverExisted = `${uid.slice(0, 11)}00000000-0000-4000-8000-000000000000`;
    expect(JSON.parse((await bob.request('GET', `/api/exec?uid=${neverExisted}`)).text)).toEqual({ error: `No job with uid \`${neverExisted}\`` });

    const bobSdk = createClient({ url: runtime.config.url, auth: bobKey });
    await expect(bobSdk.tail(uid).collect()).rejects.toBeInstanceOf(NotFoundError);
    await expect(bobSdk.cancel(uid)).rejects.toBeInstanceOf(NotFoundError);
    const cancel = await bob.request('DELETE', `/api/exec?uid=${uid}`);
    expect(cancel.status).toBe(404);
    expect(JSON.parse(cancel.text)).toEqual({ error: `No job with uid \`${uid}\`` });

    const bobOwn = await bob.start({ argv: ['echo', 'b'] });
    expect((await bob.follow(bobOwn)).log.toString()).toBe('b\n');
    expect((await bob.listJobs()).map((job) => job.uid)).toEqual([bobOwn]);
    expect((await bobSdk.list({ limit: 1000 })).map((job) => job.uid)).toEqual([bobOwn]);
    expect((await alice.listJobs()).map((job) => job.uid)).not.toContain(bobOwn);
    expect(await alice.request('GET', `/api/exec?uid=${bobOwn}`)).toMatchObject({ status: 404 });

    const aliceView = (await alice.listJobs()).find((job) => job.uid === uid);
    expect(aliceView).toMatchObject({ status: 'running' });
    expect(aliceView?.['cancel-requested']).not.toBe(true);
    writeFileSync(gate, '');
    const job = await alice.follow(uid);
    expect(job.exit).toBe(0);
    expect(job.log.toString()).toBe('a started\na done\n');
  });
});

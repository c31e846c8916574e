import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKey } from '../../backend/auth/admin.js';
import { startGateway, type Gateway } from '../../local/gateway.js';
import { JobEvent, jobKeys } from '../../protocol/index.js';
import { BUNDLE, bundleHandler, type BundleResult } from '../../scripts/bundle.js';
import { startTestAws, type TestAws } from '../backend/helpers/local-aws.js';
import { REPO } from '../helpers/runtime.js';
import { startBundleDriver, type BundleDriver } from './helpers/driver.js';
import { readLambdaImageNodeMajor, resolveLambdaNode, resolveMachineNode } from './helpers/node-runtimes.js';

const FUNCTION_NAME = 'aws-exec-bundle-test';
const CAPTURE_HANDLER = join(import.meta.dirname, 'fixtures/capture-handler.mjs');
const RECORDED_BAD_AUTH = join(import.meta.dirname, 'fixtures/http-api-v1-bad-auth.json');

// The bundle runs on Lambda's Node (the image's, 22) and must run on the oldest Node the
// package supports (20, this machine's): every test that runs the bundle runs on both.
const LAMBDA_NODE = resolveLambdaNode();
const NODES = [resolveMachineNode(), LAMBDA_NODE];

describe('the Lambda bundle, copied alone into an empty directory and loaded by a fresh node', () => {
  let bundle: BundleResult;
  let bundleDir: string;
  let captureDir: string;
  let aws: TestAws;
  let key: string;
  let authName: string;

  beforeAll(async () => {
    bundle = await bundleHandler();
    bundleDir = mkdtempSync(join(tmpdir(), 'aws-exec-bundle-'));
    copyFileSync(bundle.file, join(bundleDir, BUNDLE.file));
    captureDir = mkdtempSync(join(tmpdir(), 'aws-exec-capture-'));
    aws = await startTestAws();
    ({ key, authName } = await createAuthKey({ ddb: aws.clients.ddb, table: aws.table }, 'alice'));
    // The function the bundle invokes by name (async) to run a job: it records the event,
    // which the test then feeds to the bundle.
    aws.lambda.registerFunction({
      name: FUNCTION_NAME,
      module: CAPTURE_HANDLER,
      env: { CAPTURE_FILE: join(captureDir, 'events.jsonl') },
      timeoutSeconds: 30,
      memoryMb: 128,
      maxRetryAttempts: 0,
    });
  });

  afterAll(async () => {
    await aws?.close();
    for (const dir of [bundleDir, captureDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds one file and no native module, and reaches nothing of the local runtime', () => {
    expect(readdirSync(bundleDir)).toEqual([BUNDLE.file]);
    expect(bundle.inputs.filter((input) => input.startsWith('local/') || input.endsWith('.node'))).toEqual([]);
    expect(bundle.inputs).toContain('backend/lambda.ts');
  });

  it('is tested on the Node.js major of the Lambda image the Dockerfile names', () => {
    expect(LAMBDA_NODE.major).toBe(readLambdaImageNodeMajor());
  });

  describe.each(NODES.map((node) => [node.name, node] as const))('on %s', (_name, node) => {
    let driver: BundleDriver;
    let gateway: Gateway;
    const events: Record<string, unknown>[] = [];

    beforeAll(async () => {
      driver = await startBundleDriver(join(bundleDir, BUNDLE.file), bundleDir, {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: bundleDir,
        AWS_ENDPOINT_URL: aws.aws.endpoint,
        AWS_REGION: aws.aws.region,
        AWS_ACCESS_KEY_ID: aws.aws.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: aws.aws.credentials.secretAccessKey,
        AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        PROJECT_NAME: 'aws-exec-bundle-test',
        PROJECT_BUCKET: aws.bucket,
        PROJECT_TABLE: aws.table,
        AUTH_FAIL_DELAY_MS: '50',
      }, node.execPath);
      // The local gateway turns each HTTP request into the payload-1.0 event API Gateway
      // sends, which the bundle handles in the driver's process.
      gateway = await startGateway({
        host: '127.0.0.1',
        port: 0,
        invoke: async (payload) => {
          const event = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
          events.push(event);
          try {
            return { payload: Buffer.from(JSON.stringify(await driver.invoke(event))) };
          } catch (error) {
            return { payload: Buffer.from(JSON.stringify({ errorMessage: String(error) })), functionError: 'Unhandled' };
          }
        },
      });
    });

    afterAll(async () => {
      await gateway?.close();
      await driver?.close();
    });

    it(`loads the bundle in a node that reports v${node.major}.x`, () => {
      expect(driver.version).toMatch(new RegExp(`^v${node.major}\\.\\d+\\.\\d+$`));
    });

    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${gateway.url}${path}`, { ...init, headers: { auth: key, 'content-type': 'application/json', ...init.headers } });

    const readObject = async (objectKey: string) => {
      const result = await aws.clients.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: objectKey }));
      return Buffer.from((await result.Body?.transformToByteArray()) ?? []).toString('utf8');
    };

    /** Waits for the job event the bundle sent itself (by name, InvocationType Event) for this uid. */
    const waitForJobEvent = async (uid: string): Promise<JobEvent> => {
      const file = join(captureDir, 'events.jsonl');
      let found: JobEvent | undefined;
      await expect
        .poll(
          () => {
            if (!existsSync(file)) return false;
            const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
            found = lines.map((line) => JobEvent.parse(JSON.parse(line))).find((event) => event.uid === uid);
            return found !== undefined;
          },
          { timeout: 15_000, interval: 50 },
        )
        .toBe(true);
      return found as JobEvent;
    };

    it('serves the page at / as text/html (the built page when there is one)', async () => {
      const response = await fetch(`${gateway.url}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      if (bundle.pageInlined) expect(html).toBe(readFileSync(join(REPO, 'dist/frontend/index.html'), 'utf8'));
      else expect(html).toContain('<!doctype html>');
    });

    it("answers /_version with package.json's name and version, read at bundle time", async () => {
      const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
      expect(await (await fetch(`${gateway.url}/_version`)).json()).toEqual({ name: pkg.name, version: pkg.version });
    });

    it('answers an unknown path with a JSON 404', async () => {
      const response = await api('/api/nothing-here');
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'No route for GET /api/nothing-here' });
    });

    it('refuses a recorded HTTP API (payload 1.0) event with a wrong key: 401, and logs no key', async () => {
      const event = JSON.parse(readFileSync(RECORDED_BAD_AUTH, 'utf8')) as { headers: { auth: string } };
      const result = (await driver.invoke(event)) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(401);
      expect(JSON.parse(result.body)).toEqual({ error: 'unauthorized' });
      await expect.poll(() => driver.output()).toContain('"path":"/api/jobs","status":401');
      expect(driver.output()).not.toContain(event.headers.auth);
    });

    it('starts a job, sends itself the job event by name, runs it from that event, and the log, exit and size appear', async () => {
      const started = await api('/api/exec', { method: 'POST', body: JSON.stringify({ argv: ['sh', '-c', 'echo from the bundle; exit 3'] }) });
      expect(started.status).toBe(200);
      const { uid } = (await started.json()) as { uid: string };
      const event = await waitForJobEvent(uid);
      expect(event).toMatchObject({ 'event-type': 'exec', 'auth-name': authName, uid, argv: ['sh', '-c', 'echo from the bundle; exit 3'] });

      const result = await driver.invoke(event, 120_000);
      expect(result).toMatchObject({ status: 'finished', exit: 3, size: 16 });
      const keys = jobKeys(authName, uid);
      expect(await readObject(keys.log)).toBe('from the bundle\n');
      expect(await readObject(keys.exit)).toBe('3');
      expect(await readObject(keys.size)).toBe('16');

      const status = await api(`/api/exec?uid=${uid}&range-start=16`);
      expect(await status.json()).toEqual({ exit: 3 });
      // A retried event finds the job claimed and does not run it again.
      expect(await driver.invoke(event)).toEqual({ status: 'skipped', reason: 'already claimed' });
    });

    it('logs one JSON line per request and per job, with the auth name and uid and never the key or a URL query', async () => {
      const started = await api('/api/exec', { method: 'POST', body: JSON.stringify({ 'rpc-name': 'listdir', 'rpc-args': { path: bundleDir } }) });
      const { uid } = (await started.json()) as { uid: string };
      await driver.invoke(await waitForJobEvent(uid));
      const lines = driver
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toContainEqual(
        expect.objectContaining({ message: 'request', method: 'POST', path: '/api/exec', status: 200, 'auth-name': authName, uid, durationMs: expect.any(Number) }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({ message: 'job finished', uid, 'auth-name': authName, kind: 'rpc', 'rpc-name': 'listdir', exit: 0, size: expect.any(Number), durationMs: expect.any(Number) }),
      );
      expect(driver.output()).not.toContain(key);
      expect(driver.output()).not.toContain('X-Amz-Signature');
    });

    it('cancels a running job: DELETE answers cancelling and the job exits 130', async () => {
      const started = await api('/api/exec', { method: 'POST', body: JSON.stringify({ argv: ['sleep', '30'] }) });
      const { uid } = (await started.json()) as { uid: string };
      const running = driver.invoke(await waitForJobEvent(uid), 120_000);
      await expect.poll(async () => (await (await api('/api/jobs')).json()) as { jobs: { uid: string; status: string }[] }, { timeout: 10_000 })
        .toMatchObject({ jobs: expect.arrayContaining([expect.objectContaining({ uid, status: 'running' })]) });
      const cancel = await api(`/api/exec?uid=${uid}`, { method: 'DELETE' });
      expect(await cancel.json()).toEqual({ uid, status: 'cancelling' });
      expect(await running).toMatchObject({ status: 'finished', exit: 130 });
      expect(await readObject(jobKeys(authName, uid).exit)).toBe('130');
    });

    it('handles the sweep event and the scheduled event', async () => {
      expect(await driver.invoke({ 'event-type': 'sweep' })).toEqual({ finished: [], events: 0 });
      expect(await driver.invoke({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString() })).toEqual({ finished: [], events: 0 });
    });

    it('wrote no runtime warning (deprecation, experimental feature) while serving', () => {
      expect(driver.output()).not.toMatch(/\(node:\d+\) (\[\w+\] )?\w*Warning/);
    });

    it('sent the bundle payload-1.0 events as API Gateway does', () => {
      expect(events.length).toBeGreaterThan(5);
      for (const event of events) expect(event).toMatchObject({ httpMethod: expect.any(String), path: expect.any(String), requestContext: expect.any(Object) });
    });
  });
});

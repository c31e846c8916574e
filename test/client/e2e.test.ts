import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createLogDecoder } from '../../client/index.js';
import type { AwsExecClient } from '../../client/index.js';
import { startTestRuntime } from '../helpers/runtime.js';
import type { TestRuntime } from '../helpers/runtime.js';

// The SDK against a real local runtime (`aws-exec serve` in a child process).
let runtime: TestRuntime;
let apiCalls: string[];
let client: AwsExecClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  apiCalls = [];
  client = createClient({
    url: runtime.config.url,
    auth: runtime.config.auth,
    poll: { maxDelayMs: 100 },
    fetch: (input, init) => {
      if (input.startsWith(runtime.config.url)) apiCalls.push(`${init?.method ?? 'GET'} ${new URL(input).pathname}`);
      return fetch(input, init);
    },
  });
});
afterAll(async () => runtime?.dispose());

describe('the SDK against the local runtime', () => {
  it('runs a job to its exit code, passing the log to onLog', async () => {
    const decoder = createLogDecoder();
    let text = '';
    const code = await client.exec({ argv: ['sh', '-c', 'echo héllo; exit 4'] }, { onLog: (chunk) => void (text += decoder.write(chunk)) });
    expect(code).toBe(4);
    expect(text + decoder.end()).toBe('héllo\n');
  });

  it('asks the API once per tail however long the job runs', async () => {
    const countApiCalls = async (lines: number) => {
      const uid = await client.start({ argv: ['sh', '-c', `for i in $(seq ${lines}); do echo line $i; sleep 0.2; done`] });
      apiCalls.length = 0;
      const { bytes, exitCode } = await client.tail(uid).collect();
      expect(exitCode).toBe(0);
      expect(new TextDecoder().decode(bytes).trimEnd().split('\n')).toHaveLength(lines);
      return apiCalls.filter((call) => call === 'GET /api/exec').length;
    };
    const short = await countApiCalls(2);
    const long = await countApiCalls(12);
    expect(long).toBe(short);
    expect(short).toBe(1);
  });

  it('runs a job with a single API call: the POST answer carries the URLs to follow it', async () => {
    apiCalls.length = 0;
    expect(await client.exec({ argv: ['sh', '-c', 'echo a; sleep 0.3; echo b'] })).toBe(0);
    expect(apiCalls).toEqual(['POST /api/exec']);
  });

  it('resumes a finished job from an offset', async () => {
    const uid = await client.start({ argv: ['printf', 'abcdef'] });
    expect(await client.tail(uid).exit()).toBe(0);
    const { bytes, exitCode } = await client.tail(uid, { from: 3 }).collect();
    expect(new TextDecoder().decode(bytes)).toBe('def');
    expect(exitCode).toBe(0);
  });

  it('follows a push-url job through presigned GETs of the caller own bucket', async () => {
    const { awsEndpoint, region, accessKeyId, secretAccessKey, bucket } = runtime.config;
    const s3 = new S3Client({ endpoint: awsEndpoint, region, credentials: { accessKeyId, secretAccessKey }, forcePathStyle: true });
    const prefix = `mine/${randomUUID()}/`;
    const sign = (name: string, put: boolean) =>
      getSignedUrl(s3, put ? new PutObjectCommand({ Bucket: bucket, Key: prefix + name }) : new GetObjectCommand({ Bucket: bucket, Key: prefix + name }), {
        expiresIn: 600,
      });
    const pushUrls = { log: await sign('log', true), exit: await sign('exit', true), size: await sign('size', true) };
    apiCalls.length = 0;
    await client.start({ argv: ['sh', '-c', 'echo pushed; sleep 0.3; echo done; exit 2'], pushUrls });
    const tail = client.tailPushed({ logUrl: await sign('log', false), sizeUrl: await sign('size', false), exitUrl: await sign('exit', false) });
    const { bytes, exitCode } = await tail.collect();
    s3.destroy();
    expect(new TextDecoder().decode(bytes)).toBe('pushed\ndone\n');
    expect(exitCode).toBe(2);
    expect(apiCalls).toEqual(['POST /api/exec']);
  });

  it('cancels a running job, which exits 130', async () => {
    const uid = await client.start({ argv: ['sleep', '30'] });
    expect((await client.cancel(uid)).status).toBe('cancelling');
    expect(await client.tail(uid).exit()).toBe(130);
    const listed = (await client.list({ limit: 100 })).find((job) => job.uid === uid);
    expect(listed).toMatchObject({ status: 'exited', exit: 130 });
  });

  it('lists the registered commands', async () => {
    expect((await client.commands()).map((command) => command.name)).toContain('listdir');
  });
});

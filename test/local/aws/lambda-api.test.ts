import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  LogType,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCredentials } from '../../../local/aws/credentials.js';
import { decodePayload, fixture, makeTempDir, readIfPresent, startLambdaHarness, waitFor, type LambdaHarness } from './lambda/harness.js';

const execFileAsync = promisify(execFile);

describe('Lambda REST API', () => {
  let harness: LambdaHarness;

  beforeAll(async () => {
    harness = await startLambdaHarness();
    harness.lambda.registerFunction({ name: 'echo', module: fixture('echo.mjs'), env: { GREETING: 'hi' }, timeoutSeconds: 30, reservedConcurrency: 10 });
    harness.lambda.registerFunction({ name: 'throw', module: fixture('throw.mjs'), timeoutSeconds: 30 });
    harness.lambda.registerFunction({ name: 'print', module: fixture('print.mjs'), timeoutSeconds: 30 });
    harness.lambda.registerFunction({ name: 'write-file', module: fixture('write-file.mjs'), timeoutSeconds: 30 });
  });
  afterAll(async () => harness.close());

  it('returns the handler result of a RequestResponse invocation with the version and request id', async () => {
    const response = await harness.client().send(
      new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from(JSON.stringify({ hello: 'world' })) }),
    );
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe('$LATEST');
    const body = decodePayload(response.Payload) as { event: unknown; context: { awsRequestId: string } };
    expect(body.event).toEqual({ hello: 'world' });
    expect(body.context.awsRequestId).toBe(response.$metadata.requestId);
  });

  it('accepts a full ARN, a partial ARN and a $LATEST qualifier as the function name', async () => {
    const arn = `arn:aws:lambda:${harness.region}:000000000000:function:echo`;
    for (const FunctionName of [arn, '000000000000:function:echo', 'echo:$LATEST']) {
      const response = await harness.client().send(new InvokeCommand({ FunctionName, Payload: Buffer.from('{}') }));
      const body = decodePayload(response.Payload) as { context: { invokedFunctionArn: string } };
      expect(body.context.invokedFunctionArn.startsWith(arn)).toBe(true);
    }
    const qualified = await harness.client().send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '$LATEST' }));
    expect(qualified.StatusCode).toBe(200);
  });

  it('passes an empty payload to the handler as an empty object', async () => {
    const response = await harness.client().send(new InvokeCommand({ FunctionName: 'echo' }));
    expect((decodePayload(response.Payload) as { event: unknown }).event).toEqual({});
  });

  it('reports a thrown error as an Unhandled function error with type, message and trace', async () => {
    const response = await harness.client().send(
      new InvokeCommand({ FunctionName: 'throw', Payload: Buffer.from(JSON.stringify({ reason: 'card expired' })) }),
    );
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    const body = decodePayload(response.Payload) as { errorType: string; errorMessage: string; trace: string[] };
    expect(body.errorType).toBe('PaymentDeclined');
    expect(body.errorMessage).toBe('declined: card expired');
    expect(body.trace.some((line) => line.includes('throw.mjs'))).toBe(true);
  });

  it('returns the tail of the invocation log when asked with LogType Tail', async () => {
    const response = await harness.client().send(
      new InvokeCommand({ FunctionName: 'print', LogType: LogType.Tail, Payload: Buffer.from('{"tag":"t1"}') }),
    );
    const log = Buffer.from(response.LogResult ?? '', 'base64').toString('utf8');
    expect(log).toContain(`START RequestId: ${response.$metadata.requestId} Version: $LATEST`);
    expect(log).toContain('hello from stdout t1');
    expect(log).toContain('hello from stderr t1');
    expect(log).toContain(`END RequestId: ${response.$metadata.requestId}`);
    expect(log).toMatch(/REPORT RequestId: \S+\tDuration: [\d.]+ ms/);
    expect(harness.output.stdout).toContain('[print] hello from stdout t1');
    expect(harness.output.stderr).toContain('[print] hello from stderr t1');
  });

  it('answers an Event invocation with 202 at once and runs it in the background', async () => {
    const path = join(makeTempDir(), 'event.txt');
    const response = await harness.client().send(
      new InvokeCommand({ FunctionName: 'write-file', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ path, content: 'done' })) }),
    );
    expect(response.StatusCode).toBe(202);
    expect(Buffer.from(response.Payload ?? new Uint8Array()).length).toBe(0);
    expect(await waitFor(() => readIfPresent(path), 10_000, 'the event handler to write its file')).toBe('done');
  });

  it('lets a handler invoke a function asynchronously with an SDK client configured only by its environment', async () => {
    harness.lambda.registerFunction({ name: 'starter', module: fixture('self-invoke.mjs'), timeoutSeconds: 30 });
    const path = join(makeTempDir(), 'job.txt');
    const result = await harness.lambda.invoke(
      'starter',
      Buffer.from(JSON.stringify({ target: 'write-file', payload: { path, content: 'job ran' } })),
      'RequestResponse',
    );
    expect(result.functionError).toBeUndefined();
    expect(JSON.parse(result.payload.toString())).toMatchObject({ statusCode: 202 });
    expect(await waitFor(() => readIfPresent(path), 10_000, 'the job to write its file')).toBe('job ran');
  });

  it('answers a DryRun with 204 without running the handler', async () => {
    const path = join(makeTempDir(), 'dry.txt');
    const response = await harness.client().send(
      new InvokeCommand({ FunctionName: 'write-file', InvocationType: 'DryRun', Payload: Buffer.from(JSON.stringify({ path, content: 'x' })) }),
    );
    expect(response.StatusCode).toBe(204);
    await harness.lambda.whenEventsIdle();
    expect(readIfPresent(path)).toBeUndefined();
  });

  it('describes a function with GetFunction, GetFunctionConfiguration and ListFunctions', async () => {
    const client = harness.client();
    const { Configuration, Concurrency } = await client.send(new GetFunctionCommand({ FunctionName: 'echo' }));
    expect(Configuration).toMatchObject({
      FunctionName: 'echo',
      FunctionArn: `arn:aws:lambda:${harness.region}:000000000000:function:echo`,
      Runtime: 'nodejs20.x',
      Handler: 'echo.handler',
      Timeout: 30,
      MemorySize: 128,
      State: 'Active',
      Version: '$LATEST',
      Environment: { Variables: { GREETING: 'hi' } },
    });
    expect(Configuration?.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Concurrency?.ReservedConcurrentExecutions).toBe(10);
    // A function without a reservation has no Concurrency, as GetFunction answers on AWS.
    expect((await client.send(new GetFunctionCommand({ FunctionName: 'print' }))).Concurrency).toBeUndefined();
    const configuration = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo' }));
    expect(configuration.FunctionName).toBe('echo');
    const firstPage = await client.send(new ListFunctionsCommand({ MaxItems: 2 }));
    const all = await client.send(new ListFunctionsCommand({}));
    const names = all.Functions?.map((f) => f.FunctionName) ?? [];
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['echo', 'print', 'throw', 'write-file']));
    expect(firstPage.Functions?.map((f) => f.FunctionName)).toEqual(names.slice(0, 2));
    const secondPage = await client.send(new ListFunctionsCommand({ MaxItems: 2, Marker: firstPage.NextMarker }));
    expect(secondPage.Functions?.map((f) => f.FunctionName)).toEqual(names.slice(2, 4));
  });

  it('answers ResourceNotFoundException with the ARN for an unknown function or qualifier', async () => {
    const client = harness.client();
    await expect(client.send(new InvokeCommand({ FunctionName: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:${harness.region}:000000000000:function:missing`,
      $metadata: { httpStatusCode: 404 },
    });
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(client.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '7' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:${harness.region}:000000000000:function:echo:7`,
    });
  });

  it('refuses a payload that is not JSON with InvalidRequestContentException', async () => {
    const error = await harness
      .client()
      .send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('hello there') }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'InvalidRequestContentException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain('Could not parse request body into json');
    expect((error as Error).message).toContain('got `hello there`');
  });

  it('refuses payloads over 6 MB (RequestResponse) and over 1 MB (Event) with RequestTooLargeException', async () => {
    const client = harness.client();
    const big = Buffer.from(JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) }));
    await expect(client.send(new InvokeCommand({ FunctionName: 'echo', Payload: big }))).rejects.toMatchObject({
      name: 'RequestTooLargeException',
      $metadata: { httpStatusCode: 413 },
    });
    const medium = Buffer.from(JSON.stringify({ blob: 'x'.repeat(1024 * 1024 + 1) }));
    await expect(client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: medium }))).rejects.toMatchObject({
      name: 'RequestTooLargeException',
      message: 'Request must be smaller than 1048576 bytes for the InvokeFunction operation',
    });
    const accepted = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: medium }));
    expect(accepted.StatusCode).toBe(200);
  });

  it('refuses unsigned, unknown-key and wrongly signed requests with the codes Lambda uses', async () => {
    const unsigned = await fetch(`${harness.endpoint.url}/2015-03-31/functions/echo/invocations`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
    await expect(
      harness.client({ credentials: generateCredentials() }).send(new InvokeCommand({ FunctionName: 'echo' })),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    });
    const wrongSecret = { ...harness.credentials, secretAccessKey: 'x'.repeat(40) };
    await expect(harness.client({ credentials: wrongSecret }).send(new InvokeCommand({ FunctionName: 'echo' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('refuses an unknown invocation type and a malformed function name with ValidationException', async () => {
    const client = harness.client();
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Later' as 'Event' })),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'bad name!' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('serves `aws lambda invoke` from the Debian awscli, with the log tail', async () => {
    const dir = makeTempDir();
    const outfile = join(dir, 'out.json');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      AWS_ACCESS_KEY_ID: harness.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: harness.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: harness.region,
      AWS_CONFIG_FILE: join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    };
    const { stdout } = await execFileAsync(
      '/usr/bin/aws',
      [
        'lambda',
        'invoke',
        '--endpoint-url',
        harness.endpoint.url,
        '--function-name',
        'echo',
        '--cli-binary-format',
        'raw-in-base64-out',
        '--payload',
        '{"from":"awscli"}',
        '--log-type',
        'Tail',
        outfile,
      ],
      { env },
    );
    const summary = JSON.parse(stdout) as { StatusCode: number; ExecutedVersion: string; LogResult: string };
    expect(summary.StatusCode).toBe(200);
    expect(summary.ExecutedVersion).toBe('$LATEST');
    expect(Buffer.from(summary.LogResult, 'base64').toString()).toContain('START RequestId:');
    expect((JSON.parse(readFileSync(outfile, 'utf8')) as { event: unknown }).event).toEqual({ from: 'awscli' });

    const missing = await execFileAsync(
      '/usr/bin/aws',
      ['lambda', 'get-function', '--endpoint-url', harness.endpoint.url, '--function-name', 'missing'],
      { env },
    ).catch((error: unknown) => error as { stderr: string; code: number });
    expect(missing).toMatchObject({ code: 254 });
    expect((missing as { stderr: string }).stderr).toContain('(ResourceNotFoundException)');
  });
});

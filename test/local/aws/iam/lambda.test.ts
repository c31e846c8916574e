import { fileURLToPath } from 'node:url';
import { GetFunctionCommand, InvokeCommand, LambdaServiceException, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidFunctionConfigError } from '../../../../local/aws/lambda/index.js';
import { failureOf, policyOf, startIamHarness, type IamHarness } from './harness.js';

const BUCKET = 'fn-bucket';
const PROBE = fileURLToPath(new URL('./role-probe.mjs', import.meta.url));
/** The SDK's notice that its 2027 releases need Node 22 (as vitest.config.ts quiets it for the tests). */
const QUIET = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

interface ProbeResult {
  accessKeyId: string;
  sessionToken: string | null;
  childSessionToken: string;
  allowed: string | null;
  denied: string | null;
}

let h: IamHarness;

async function invokeProbe(name: string, event: Record<string, unknown> = { bucket: BUCKET }): Promise<ProbeResult> {
  const result = await h.lambdaService.invoke(name, Buffer.from(JSON.stringify(event)), 'RequestResponse');
  const text = result.payload.toString('utf8');
  if (result.functionError) throw new Error(`Expected ${name} to succeed, it failed: ${text}`);
  return JSON.parse(text) as ProbeResult;
}

beforeAll(async () => {
  h = await startIamHarness();
  await h.s3(h.root).send(new CreateBucketCommand({ Bucket: BUCKET }));
  h.iam.putRole({
    name: 'probe-role',
    policies: [policyOf({ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/jobs/*` })],
  });
  h.lambdaService.registerFunction({ name: 'probe', module: PROBE, role: 'probe-role', timeoutSeconds: 30, env: QUIET });
  h.lambdaService.registerFunction({ name: 'rootless', module: PROBE, timeoutSeconds: 30, env: QUIET });
});

afterAll(async () => {
  await h?.close();
});

describe('a function registered with a role', () => {
  it('runs with temporary credentials of its role, and its calls are evaluated against the role', async () => {
    const result = await invokeProbe('probe');
    expect(result.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(result.sessionToken).toEqual(expect.any(String));
    expect(result.childSessionToken).toBe(result.sessionToken);
    expect(result.allowed).toBe('ok');
    expect(result.denied).toBe(
      `AccessDenied: User: arn:aws:sts::000000000000:assumed-role/probe-role/probe is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/other/from-lambda" because no identity-based policy allows the s3:PutObject action`,
    );
  });

  it('leaves a function without a role the account key pair and no session token', async () => {
    const result = await invokeProbe('rootless');
    expect(result.accessKeyId).toBe(h.root.accessKeyId);
    expect(result.sessionToken).toBeNull();
    expect(result.denied).toBe('ok');
  });

  it('refuses a registration whose role was never put', () => {
    expect(() => h.lambdaService.registerFunction({ name: 'orphan', module: PROBE, role: 'no-such-role' })).toThrow(InvalidFunctionConfigError);
    expect(() => h.lambdaService.registerFunction({ name: 'orphan', module: PROBE, role: 'no-such-role' })).toThrow(
      'The role defined for the function cannot be assumed by Lambda',
    );
  });

  it('names its role in GetFunction', async () => {
    const got = await h.lambda(h.root).send(new GetFunctionCommand({ FunctionName: 'probe' }));
    expect(got.Configuration?.Role).toBe('arn:aws:iam::000000000000:role/probe-role');
  });
});

describe('the Lambda API with role credentials', () => {
  it('invokes what the role may invoke and refuses the rest with 403 AccessDeniedException', async () => {
    const caller = h.session('invoker', [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:*:*:function:rootless' }], 'invoker');
    const client = h.lambda(caller);
    const ok = await client.send(new InvokeCommand({ FunctionName: 'rootless', Payload: Buffer.from('{}') }));
    expect(ok.StatusCode).toBe(200);
    const denied = await failureOf(() => client.send(new InvokeCommand({ FunctionName: 'probe', Payload: Buffer.from('{}') })));
    expect(denied).toBeInstanceOf(LambdaServiceException);
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
    expect(denied.message).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/invoker/invoker is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:probe because no identity-based policy allows the lambda:InvokeFunction action',
    );
    const missing = await failureOf(() => client.send(new InvokeCommand({ FunctionName: 'does-not-exist' })));
    expect(missing.name).toBe('AccessDeniedException');
    const list = await failureOf(() => client.send(new ListFunctionsCommand({})));
    expect(list.message).toContain('not authorized to perform: lambda:ListFunctions on resource: * because');
    const awscli = await h.awscli(caller, 'lambda', 'get-function', '--function-name', 'probe');
    expect(awscli.stderr).toContain('An error occurred (AccessDeniedException) when calling the GetFunction operation: User: arn:aws:sts::000000000000:assumed-role/invoker/invoker');
  });
});

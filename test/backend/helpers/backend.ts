import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAuthKey } from '../../../backend/auth/admin.js';
import { loadConfig } from '../../../backend/config.js';
import { createBackendDeps, type BackendDeps } from '../../../backend/deps.js';
import { createApp } from '../../../backend/http/app.js';
import { silentLogger } from '../../../backend/log.js';
import { startTestAws, type TestAws } from './local-aws.js';

const FUNCTION_NAME = 'aws-exec-backend-test';

/** The backend for real: the local endpoint's S3 and DynamoDB, and its Lambda running our handler in worker processes. */
export interface TestBackend {
  aws: TestAws;
  deps: BackendDeps;
  app: ReturnType<typeof createApp>;
  /** A key of the name `alice` and one of `bob`. */
  keys: { alice: string; bob: string };
  /** The auth-names of those keys' jobs (`alice:<16 hex>`, `bob:<16 hex>`). */
  authNames: { alice: string; bob: string };
  close(): Promise<void>;
}

/**
 * Starts the local endpoint and registers `backend/lambda.ts` as its Lambda function
 * (loaded through tsx in the worker, so no build is needed). The app runs in this
 * process with the same configuration; its job events go through the real Lambda Invoke.
 */
export async function startTestBackend(env: Record<string, string> = {}): Promise<TestBackend> {
  const aws = await startTestAws();
  const shimDir = mkdtempSync(join(tmpdir(), 'aws-exec-shim-'));
  const shim = join(shimDir, 'handler.mjs');
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const lambdaModule = pathToFileURL(resolve(import.meta.dirname, '../../../backend/lambda.ts')).href;
  writeFileSync(
    shim,
    [
      `import { register } from ${JSON.stringify(tsxApi)};`,
      'register();',
      `const backend = await import(${JSON.stringify(lambdaModule)});`,
      'export const handler = backend.handler;',
    ].join('\n'),
  );
  const functionEnv = { PROJECT_NAME: 'aws-exec-test', PROJECT_BUCKET: aws.bucket, PROJECT_TABLE: aws.table, AUTH_FAIL_DELAY_MS: '0', ...env };
  aws.lambda.registerFunction({
    name: FUNCTION_NAME,
    module: shim,
    env: functionEnv,
    timeoutSeconds: 120,
    memoryMb: 1024,
    // As the local runtime registers the backend: many invocations per worker, so 50 jobs at
    // once share a few workers instead of starting 50 (the function is unreserved).
    environmentConcurrency: 16,
    maxRetryAttempts: 0,
  });
  const config = loadConfig({ ...functionEnv, AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME, FUNCTION_TIMEOUT_SECONDS: '120' });
  const deps = createBackendDeps(config, aws.clients, { logger: silentLogger });
  const table = { ddb: aws.clients.ddb, table: aws.table };
  const [alice, bob] = [await createAuthKey(table, 'alice'), await createAuthKey(table, 'bob')];
  return {
    aws,
    deps,
    app: createApp(deps),
    keys: { alice: alice.key, bob: bob.key },
    authNames: { alice: alice.authName, bob: bob.authName },
    async close() {
      await aws.close();
      rmSync(shimDir, { recursive: true, force: true });
    },
  };
}

/** What a client of the original protocol sees: the whole log and the exit code. */
export interface FollowedJob {
  log: Buffer;
  exit: number;
  /** How many GET /api/exec calls it took. */
  polls: number;
}

/**
 * Follows a job exactly as the original Go client does: GET /api/exec?uid&range-start=N →
 * {url} or {exit}; GET the url with `Range: bytes=N-`; 200/206 is data, 403/416 nothing yet,
 * anything else (404 included) an error.
 */
export async function followJobLikeGo(backend: TestBackend, key: string, uid: string, timeoutMs = 60_000): Promise<FollowedJob> {
  const chunks: Buffer[] = [];
  let offset = 0;
  let polls = 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    polls += 1;
    const status = await backend.app.request(`/api/exec?uid=${uid}&range-start=${offset}`, { headers: { auth: key } });
    if (status.status !== 200) throw new Error(`GET /api/exec answered ${status.status}: ${await status.text()}`);
    const body = (await status.json()) as { url?: string; exit?: number };
    if (body.exit !== undefined) return { log: Buffer.concat(chunks), exit: body.exit, polls };
    const log = await fetch(body.url ?? '', { headers: { range: `bytes=${offset}-` } });
    const bytes = Buffer.from(await log.arrayBuffer());
    if (log.status === 200 || log.status === 206) {
      const fresh = log.status === 200 ? bytes.subarray(offset) : bytes;
      chunks.push(fresh);
      offset += fresh.byteLength;
      if (fresh.byteLength > 0) continue;
    } else if (log.status !== 403 && log.status !== 416) {
      throw new Error(`GET of the log answered ${log.status}: ${bytes.toString()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Expected job ${uid} to finish within ${timeoutMs} ms`);
}

/** Starts a job through the app and returns its uid. */
export async function startJobVia(backend: TestBackend, key: string, body: unknown): Promise<string> {
  const response = await backend.app.request('/api/exec', {
    method: 'POST',
    headers: { auth: key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /api/exec answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { uid: string }).uid;
}

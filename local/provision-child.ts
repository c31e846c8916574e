import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BucketSpec, QueueSpec, TableSpec } from './deploy/specs.js';

/** What the provisioning child needs: where the endpoint is, and what to create. */
export const ProvisionRequest = z.object({
  endpoint: z.string(),
  region: z.string(),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
  tables: z.array(TableSpec),
  buckets: z.array(BucketSpec),
  queues: z.array(QueueSpec),
  /** The table of auth keys, where the first key is made. */
  authTable: z.string(),
  /** The key local.json recorded last time, kept if it still works. */
  recordedAuth: z.string().optional(),
});
export type ProvisionRequest = z.infer<typeof ProvisionRequest>;

const ProvisionAnswer = z.union([z.object({ auth: z.string(), log: z.array(z.string()) }), z.object({ error: z.string() })]);
export interface ProvisionResult {
  auth: string;
  /** What was created or changed, one line each, as libaws logs it. */
  log: string[];
}

/** The provisioning script: compiled JavaScript, or the TypeScript source through tsx. */
function resolveProvisionScript(): { path: string; execArgv: string[] } {
  const compiled = fileURLToPath(new URL('./provision-main.js', import.meta.url));
  if (existsSync(compiled)) return { path: compiled, execArgv: [] };
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return { path: fileURLToPath(new URL('./provision-main.ts', import.meta.url)), execArgv: ['--import', pathToFileURL(tsx).href] };
}

/** Provisions the tables, the buckets and the first key in a child process; resolves with the key. */
export function provisionInChild(request: ProvisionRequest): Promise<ProvisionResult> {
  const script = resolveProvisionScript();
  const child = fork(script.path, [], { execArgv: script.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let answered = false;
    child.once('message', (message: unknown) => {
      answered = true;
      const answer = ProvisionAnswer.safeParse(message);
      if (!answer.success) reject(new Error(`Expected the provisioning step to answer {auth} or {error}, got ${JSON.stringify(message)}`));
      else if ('error' in answer.data) reject(new Error(`Provisioning the tables, buckets and first key of infra.yaml failed: ${answer.data.error}`));
      else resolve(answer.data);
    });
    child.once('error', (error) => reject(new Error('Could not start the provisioning step', { cause: error })));
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`The provisioning step ended (${signal ?? `exit ${code}`}) without an answer`));
    });
    child.send(request);
  });
}

import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The import table (import-table.js, README "Layout") as the lint rule applies it: files fed to
// ESLint with the repo's own config, at paths inside the folders they claim to be in.

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the import table lint rule', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  const boundaryErrors = async (filePath: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
    return (result?.messages ?? []).filter((message) => message.ruleId === 'boundaries/dependencies').map((message) => message.message);
  };

  it('refuses a cli/ import of the backend outside its key code and version', async () => {
    const errors = await boundaryErrors('cli/wrong.ts', "import { createDynamoJobStore } from '../backend/jobs/dynamo-store.js';\nexport const x = createDynamoJobStore;\n");
    expect(errors).toEqual([expect.stringMatching(/^cli\/ may not import backend\/jobs\/dynamo-store\.ts/)]);
  });

  it('refuses imports the table does not list: protocol/ of the backend, client/ of local/, cmd/ of client/', async () => {
    expect(await boundaryErrors('protocol/wrong.ts', "export { HttpError } from '../backend/errors.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('client/wrong.ts', "export { LOCAL_JSON } from '../local/index.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('cmd/wrong.ts', "export const load = () => import('../client/index.js');\n")).toHaveLength(1);
  });

  it('refuses a package other than zod in protocol/', async () => {
    expect(await boundaryErrors('protocol/wrong.ts', "import { Hono } from 'hono';\nexport const app = new Hono();\n")).toHaveLength(1);
    expect(await boundaryErrors('protocol/right.ts', "import { z } from 'zod';\nexport const S = z.string();\n")).toEqual([]);
  });

  it('allows what the table lists, and a folder its own files', async () => {
    expect(await boundaryErrors('cli/right.ts', "import { hashAuthKey } from '../backend/auth/key-hash.js';\nimport { PATHS } from '../protocol/index.js';\nexport const x = [hashAuthKey, PATHS];\n")).toEqual([]);
    expect(await boundaryErrors('local/right.ts', "import { createBackendDeps } from '../backend/deps.js';\nimport { startRuntime } from './runtime.js';\nexport const x = [createBackendDeps, startRuntime];\n")).toEqual([]);
    expect(await boundaryErrors('backend/right.ts', "import { registry } from '../cmd/index.js';\nimport { Hono } from 'hono';\nexport const x = [registry, Hono];\n")).toEqual([]);
  });
});

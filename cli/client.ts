import { createClient } from '../client/index.js';
import type { AwsExecClient } from '../client/index.js';
import { resolveApiConfig } from './config.js';
import type { ApiConfig } from './config.js';
import type { CliContext } from './context.js';

/** The options every command inherits from the program. */
export interface GlobalOptions {
  dataDir?: string;
}

/** A client of the configured API, with the config it came from. */
export function createCliClient(context: CliContext, globals: GlobalOptions): { client: AwsExecClient; config: ApiConfig } {
  const config = resolveApiConfig({ env: context.env, cwd: context.cwd, dataDir: globals.dataDir });
  return { client: createClient({ url: config.url, auth: config.auth }), config };
}

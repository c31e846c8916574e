import { createClient } from '../client/index.js';
import type { AwsExecClient } from '../client/index.js';
import { resolveApiConfig } from './config.js';
import type { ApiConfig } from './config.js';
import type { CliContext } from './context.js';

/** The options every command inherits from the program. */
export interface GlobalOptions {
  dataDir?: string;
}

const usedConfigs = new WeakMap<CliContext, ApiConfig>();

/** A client of the configured API, with the config it came from (remembered for error messages). */
export function createCliClient(context: CliContext, globals: GlobalOptions): { client: AwsExecClient; config: ApiConfig } {
  const config = resolveApiConfig({ env: context.env, cwd: context.cwd, dataDir: globals.dataDir });
  usedConfigs.set(context, config);
  return { client: createClient({ url: config.url, auth: config.auth }), config };
}

/** The API config this run's client was made with, if one was. */
export function findUsedConfig(context: CliContext): ApiConfig | undefined {
  return usedConfigs.get(context);
}

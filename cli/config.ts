// All configuration of the CLI is resolved here, once per run, from the environment and
// the local runtime's local.json; commands get a typed object and never read env.
import { join } from 'node:path';
import { z } from 'zod';
import { LOCAL_JSON, readLocalJson } from '../local/local-json.js';
import type { LocalJson } from '../local/local-json.js';
import { resolveDataDir } from './data-dir.js';
import { ConfigError } from './errors.js';

export { DEFAULT_DATA_DIR, resolveDataDir } from './data-dir.js';

/** The environment variables the CLI reads. */
export interface CliEnv {
  PROJECT_URL?: string;
  PROJECT_DOMAIN?: string;
  AUTH?: string;
  PROJECT_TABLE?: string;
  PROJECT_NAME?: string;
  AWS_EXEC_DATA_DIR?: string;
}

/** How to reach the job API. */
export interface ApiConfig {
  url: string;
  auth: string;
  /** Where it came from, for messages: `environment` or the local.json path. */
  source: string;
  /** True when it came from a local runtime's local.json. */
  local: boolean;
}

/** How to reach the table of auth keys (admin operations talk to DynamoDB directly). */
export interface AdminConfig {
  table: string;
  /** Set for the local runtime; on AWS the SDK's own chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, …) applies. */
  aws?: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  source: string;
}

/** Where the CLI was told to look: `--data-dir`, and the working directory. */
export interface ConfigInputs {
  env: CliEnv;
  cwd: string;
  dataDir?: string;
}

const HttpUrl = z.url({ protocol: /^https?$/ });
const Domain = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/);

const START_HINT = 'or start the local runtime with `npm start` (`aws-exec serve`)';

/**
 * The API to talk to: `--data-dir`'s local.json when given; else PROJECT_URL (or
 * PROJECT_DOMAIN → https://DOMAIN) with AUTH; else the local runtime's local.json
 * (AWS_EXEC_DATA_DIR or ./.aws-exec), whose key AUTH may override.
 */
export function resolveApiConfig(inputs: ConfigInputs): ApiConfig {
  const { env } = inputs;
  const url = nonEmpty(env.PROJECT_URL);
  const domain = nonEmpty(env.PROJECT_DOMAIN);
  if (inputs.dataDir === undefined && (url !== undefined || domain !== undefined)) {
    const resolved = url !== undefined ? checkUrl(url) : `https://${checkDomain(domain as string)}`;
    const auth = nonEmpty(env.AUTH);
    if (auth === undefined) {
      throw new ConfigError(`AUTH is required with ${url !== undefined ? 'PROJECT_URL' : 'PROJECT_DOMAIN'}: set AUTH to an auth key (an admin creates one with \`aws-exec auth new NAME\`)`);
    }
    return { url: resolved, auth, source: 'environment', local: false };
  }
  const { config, file } = loadLocalJson(inputs, 'No aws-exec API configured: set PROJECT_URL (or PROJECT_DOMAIN) and AUTH');
  return { url: config.url, auth: nonEmpty(env.AUTH) ?? config.auth, source: file, local: true };
}

/**
 * The auth table: `--data-dir`'s local.json when given; else PROJECT_TABLE (or
 * PROJECT_NAME) with the standard AWS environment; else the local runtime's local.json.
 */
export function resolveAdminConfig(inputs: ConfigInputs): AdminConfig {
  const table = nonEmpty(inputs.env.PROJECT_TABLE) ?? nonEmpty(inputs.env.PROJECT_NAME);
  if (inputs.dataDir === undefined && table !== undefined) return { table, source: 'environment' };
  const { config, file } = loadLocalJson(
    inputs,
    'No auth table configured: set PROJECT_TABLE (or PROJECT_NAME) and the standard AWS settings (AWS_REGION and AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)',
  );
  return {
    table: config.table,
    aws: {
      endpoint: config.awsEndpoint,
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    },
    source: file,
  };
}

function loadLocalJson(inputs: ConfigInputs, missing: string): { config: LocalJson; file: string } {
  const dir = resolveDataDir(inputs);
  const file = join(dir, LOCAL_JSON);
  let config: LocalJson | undefined;
  try {
    config = readLocalJson(dir);
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}; start the local runtime again to rewrite it`, { cause: error });
  }
  if (config === undefined) {
    const where = inputs.dataDir !== undefined ? '--data-dir' : inputs.env.AWS_EXEC_DATA_DIR ? 'AWS_EXEC_DATA_DIR' : 'the default data directory';
    throw new ConfigError(`${missing}, ${START_HINT} (no ${file}, looked in ${where}).`);
  }
  return { config, file };
}

function checkUrl(value: string): string {
  if (!HttpUrl.safeParse(value).success) throw new ConfigError(`Expected PROJECT_URL to be an http(s) URL, got \`${value}\``);
  return value.replace(/\/+$/, '');
}

function checkDomain(value: string): string {
  if (!Domain.safeParse(value).success) throw new ConfigError(`Expected PROJECT_DOMAIN to be a domain name like \`exec.example.com\`, got \`${value}\``);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

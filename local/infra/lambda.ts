import type { Node } from 'yaml';
import { RESERVED_ENV_KEYS } from '../aws/lambda/config.js';
import { parseEntrypoint } from './entrypoint.js';
import type { Allow, Entrypoint, Lambda } from './model.js';
import { checkOnce, parseGoInt, readEntries, readString, readStringList, splitOnce, type Located, type Walk } from './nodes.js';
import { readTriggers } from './triggers.js';

// A `lambda:` function as libaws ensures it (lib/infra.go: infraParseValidateLambda, InfraParse,
// InfraEnsureLambda; lib/lambda.go: lambdaEnsure; lib/iam.go: IamEnsureRole, IamEnsureRoleAllows).

const LAMBDA_KEYS = ['name', 'entrypoint', 'attr', 'policy', 'allow', 'trigger', 'env', 'include', 'require'] as const;
const LIST_KEYS = ['attr', 'policy', 'allow', 'env', 'include', 'require'] as const;
type ListKey = (typeof LIST_KEYS)[number];

// lib/lambda.go: lambdaAttr* and their defaults.
const ATTRS = { concurrency: 0, memory: 128, timeout: 300, 'logs-ttl-days': 7 } as const;
type AttrName = keyof typeof ATTRS;
const ATTR_NAMES = Object.keys(ATTRS).join(', ');

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html;
// 0 keeps libaws from calling it for a new log group (lib/logs.go: LogsEnsureGroup), so events never expire.
const RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Reads one function of the `lambda` section, or undefined after recording its problems. */
export function readLambda(walk: Walk, infraFile: string, name: string, line: number, node: unknown): Lambda | undefined {
  const before = walk.problems.list.length;
  const what = `lambda ${name}`;
  const lists: Partial<Record<ListKey, Located[]>> = {};
  let entrypoint: Entrypoint | undefined;
  let entrypointGiven = false;
  let triggers: Lambda['triggers'] = [];
  const entries = readEntries(walk, node, line, what, `a mapping (${LAMBDA_KEYS.join(', ')})`);
  if (!entries) return undefined;
  for (const entry of entries) {
    if ((LIST_KEYS as readonly string[]).includes(entry.key)) {
      lists[entry.key as ListKey] = readStringList(walk, entry.value, entry.line, `${what}: ${entry.key}`) ?? [];
    } else if (entry.key === 'entrypoint') {
      entrypointGiven = true;
      entrypoint = readEntrypoint(walk, infraFile, what, entry.value, entry.line);
    } else if (entry.key === 'trigger') {
      triggers = readTriggers(walk, name, entry.value, entry.line);
    } else if (entry.key === 'name') {
      // lib/infra.go: InfraEnsureLambda names the function after its key and ignores `name`.
      const given = readString(walk, entry.value, entry.line, `${what}: name`);
      if (given !== undefined && given !== name) walk.problems.add(entry.line, `${what}: name "${given}" differs from the key; libaws names the function ${name} and ignores name`);
    } else {
      walk.problems.add(entry.line, `unknown lambda key "${entry.key}" (libaws accepts ${LAMBDA_KEYS.join(', ')})`);
    }
  }
  if (!entrypointGiven) walk.problems.add(line, `${what} has no entrypoint (libaws needs *.go, *.py or an ECR image URI)`);
  // https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName); the role has the same name.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) walk.problems.add(line, `${what}: a function name must be 1 to 64 letters, digits, - or _ (Lambda and IAM role names)`);
  const attrs = readAttrs(walk, what, lists.attr ?? []);
  const env = readEnv(walk, what, lists.env ?? []);
  const allow = readAllows(walk, what, lists.allow ?? []);
  const policy = (lists.policy ?? []).map((item) => {
    if (item.value.trim() === '') walk.problems.add(item.line, `${what}: an empty policy name (libaws looks managed policies up by name)`);
    return item.value;
  });
  if (walk.problems.list.length > before || !entrypoint) return undefined;
  return {
    name,
    line,
    entrypoint,
    roleName: name,
    rolePath: `/lambda/${name}-path/`,
    logGroupName: `/aws/lambda/${name}`,
    timeoutSeconds: attrs.timeout,
    memoryMb: attrs.memory,
    concurrency: attrs.concurrency,
    logsTtlDays: attrs['logs-ttl-days'],
    env,
    policy,
    allow,
    include: (lists.include ?? []).map((item) => item.value),
    require: (lists.require ?? []).map((item) => item.value),
    triggers,
  };
}

function readEntrypoint(walk: Walk, infraFile: string, what: string, node: Node | null, line: number): Entrypoint | undefined {
  const text = readString(walk, node, line, `${what}: entrypoint`);
  if (text === undefined) return undefined;
  const parsed = parseEntrypoint(text, infraFile);
  if (!parsed.ok) walk.problems.add(line, `${what}: ${parsed.reason}`);
  return parsed.ok ? parsed.entrypoint : undefined;
}

// lib/infra.go: InfraParse (names and digits), lib/lambda.go: lambdaEnsure (Atoi, defaults);
// ranges: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (Timeout, MemorySize).
function readAttrs(walk: Walk, what: string, lines: readonly Located[]): Record<AttrName, number> {
  const values: Record<AttrName, number> = { ...ATTRS };
  const seen = new Map<string, number>();
  for (const { value: text, line } of lines) {
    const split = splitOnce(text, '=');
    if (!split) {
      walk.problems.add(line, `${what}: attr "${text}" is not NAME=VALUE (libaws accepts ${ATTR_NAMES})`);
      continue;
    }
    const [name, valueText] = split;
    if (!(name in ATTRS)) {
      walk.problems.add(line, `unknown lambda attr "${name}" (libaws accepts ${ATTR_NAMES})`);
      continue;
    }
    checkOnce(walk, seen, name, line, `${what}: attr`);
    const value = parseGoInt(valueText);
    if (value === undefined) {
      walk.problems.add(line, `${what}: attr ${name} must be digits, got "${valueText}" (lib/infra.go: InfraParse)`);
      continue;
    }
    const problem = checkAttrRange(name as AttrName, value);
    if (problem) walk.problems.add(line, `${what}: ${problem}`);
    else values[name as AttrName] = value;
  }
  return values;
}

function checkAttrRange(name: AttrName, value: number): string | undefined {
  switch (name) {
    case 'timeout':
      return value >= 1 && value <= 900 ? undefined : `timeout must be 1 to 900 seconds, got ${value} (Lambda's limit)`;
    case 'memory':
      return value >= 128 && value <= 10240 ? undefined : `memory must be 128 to 10240 MB, got ${value} (Lambda's limit)`;
    case 'concurrency':
      return value >= 0 ? undefined : `concurrency must be 0 (unreserved) or a number of reserved executions, got ${value} (libaws would treat it as 0)`;
    case 'logs-ttl-days':
      return RETENTION_DAYS.includes(value) ? undefined : `logs-ttl-days must be one of ${RETENTION_DAYS.join(', ')}, got ${value} (CloudWatch Logs retention; 0 = never expire)`;
  }
}

// lib/lambda.go: lambdaEnsure (NAME=VALUE, names [a-zA-Z0-9_]+); Lambda also wants a letter
// first and two characters at least (https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html)
// and refuses the variables it sets itself.
function readEnv(walk: Walk, what: string, lines: readonly Located[]): Record<string, string> {
  const env: Record<string, string> = {};
  const seen = new Map<string, number>();
  for (const { value: text, line } of lines) {
    const split = splitOnce(text, '=');
    if (!split) {
      walk.problems.add(line, `${what}: env line "${text}" is not NAME=VALUE`);
      continue;
    }
    const [name, value] = split;
    if (/[^a-zA-Z0-9_]/.test(name) || name === '') walk.problems.add(line, `${what}: env name "${name}" must be [a-zA-Z0-9_]+ (lib/lambda.go: lambdaEnsure)`);
    else if (!/^[a-zA-Z][a-zA-Z0-9_]+$/.test(name)) walk.problems.add(line, `${what}: env name "${name}" must start with a letter and have two characters at least (Lambda's [a-zA-Z]([a-zA-Z0-9_])+)`);
    else if (RESERVED_ENV_KEYS.has(name)) walk.problems.add(line, `${what}: env name ${name} is reserved by Lambda, which sets it itself`);
    else {
      checkOnce(walk, seen, name, line, `${what}: env`);
      env[name] = value;
    }
  }
  return env;
}

// lib/iam.go: IamEnsureRoleAllows splits a line on runs of spaces into 2 (lib/lib.go:
// SplitWhiteSpaceN) and builds {"Action": ACTION, "Resource": RESOURCE} by string concatenation.
// IAM wants SERVICE:ACTION (or *) and an ARN (or *):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
function readAllows(walk: Walk, what: string, lines: readonly Located[]): Allow[] {
  const allows: Allow[] = [];
  for (const { value: text, line } of lines) {
    const parts = splitSpacesN(text, 2);
    const [action = '', resource = ''] = parts;
    if (parts.length !== 2) {
      walk.problems.add(line, `${what}: allow "${text}" should be 'SERVICE:ACTION RESOURCE' (lib/iam.go: IamEnsureRoleAllows)`);
    } else if (!/^(\*|[a-zA-Z0-9-]+:[A-Za-z0-9*?]+)$/.test(action)) {
      walk.problems.add(line, `${what}: allow "${text}": the action should be SERVICE:ACTION (e.g. s3:GetObject, dynamodb:*), got "${action}"`);
    } else if (!(resource === '*' || /^arn:[^\s"\\]+$/.test(resource))) {
      walk.problems.add(line, `${what}: allow "${text}": the resource should be an ARN (arn:...) or *, without spaces or quotes, got "${resource}"`);
    } else {
      allows.push({ action, resource, line, policyName: policyName(action, resource) });
    }
  }
  return allows;
}

/** libaws's SplitWhiteSpaceN (lib/lib.go): split on runs of spaces into at most n parts, dropping blank ones. */
function splitSpacesN(text: string, n: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < n - 1) {
    const match = / +/.exec(rest);
    if (!match) break;
    parts.push(rest.slice(0, match.index));
    rest = rest.slice(match.index + match[0].length);
  }
  parts.push(rest);
  return parts.filter((part) => part.trim() !== '');
}

/** The inline policy's name libaws gives an allow line (lib/iam.go: IamAllow.policyName). */
export function policyName(action: string, resource: string): string {
  const parts = resource
    .replaceAll('*', 'ALL')
    .split(':')
    .filter((part) => !['arn', 'aws', 's3', 'dynamodb', 'sqs', 'sns'].includes(part))
    .map((part) => part.replaceAll('/', '__'));
  return `${action.replaceAll('*', 'ALL')}__${parts.join(':')}`.replaceAll(':', '_').replace(/_+$/, '');
}

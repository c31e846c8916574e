import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../backend/config.js';
import { REPO } from '../helpers/runtime.js';
import { InfraSet } from './helpers/libaws-schema.js';

const INFRA = readFileSync(join(REPO, 'infra.yaml'), 'utf8');
const TEMPLATE = readFileSync(join(REPO, 'env.sh.template'), 'utf8');
// What bin/ensure.sh adds after it pushed the image (from `libaws aws-account` and the push).
const SET_BY_ENSURE = { PROJECT_ACCOUNT: '123456789012', PROJECT_IMAGE_DIGEST: `sha256:${'ab'.repeat(32)}` };

/** Sources env.sh.template in a clean bash (as the bin/ scripts source env.sh) and returns what it exports. */
function sourceTemplate(extra: Record<string, string>): Record<string, string> {
  const out = execFileSync('bash', ['-c', 'set -euo pipefail; source ./env.sh.template; env -0'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra },
    encoding: 'utf8',
  });
  return Object.fromEntries(
    out
      .split('\0')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** Substitutes `${VAR}` as libaws does; an unknown variable is an error. */
function substitute(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`Expected env.sh.template to define \${${name}}, but it is ${value === undefined ? 'not set' : 'empty'}`);
    return value;
  });
}

const usedVariables = [...new Set([...INFRA.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1] as string))];
const env = sourceTemplate(SET_BY_ENSURE);
const infra = InfraSet.parse(parse(substitute(INFRA, env)));

const lambdaOf = (set: InfraSet) => {
  const entries = Object.entries(set.lambda ?? {});
  expect(entries).toHaveLength(1);
  return entries[0] as [string, NonNullable<InfraSet['lambda']>[string]];
};
const attrValue = (attrs: readonly string[] | undefined, name: string) => attrs?.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);

describe('infra.yaml', () => {
  it('takes every ${VAR} from env.sh.template, which exports each one', () => {
    const exported = [...TEMPLATE.matchAll(/^export ([A-Z_][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    expect(usedVariables.length).toBeGreaterThan(5);
    for (const name of usedVariables) expect(exported, `\${${name}}`).toContain(name);
    for (const name of usedVariables) expect(env[name], `\${${name}}`).toBeTruthy();
  });

  it('is a libaws infrastructure set with documented attributes only', () => {
    expect(infra.name).toBe(env.PROJECT_NAME);
    expect(Object.keys(infra).sort()).toEqual(['dynamodb', 'lambda', 'name', 's3']);
  });

  it('declares the table keyed id:s:hash and a private bucket with CORS whose TTL is the records\'', () => {
    expect(infra.dynamodb).toEqual({ [env.PROJECT_TABLE as string]: { key: ['id:s:hash'] } });
    const bucket = infra.s3?.[env.PROJECT_BUCKET as string];
    expect(bucket?.attr).toEqual(expect.arrayContaining(['acl=private', 'cors=true']));
    expect(attrValue(bucket?.attr, 'ttldays')).toBe(env.JOB_TTL_DAYS);
  });

  it('runs one Lambda from the ECR image by digest, 15 minutes, with an api trigger on the domain and a schedule', () => {
    const [name, lambda] = lambdaOf(infra);
    expect(name).toBe(env.PROJECT_NAME);
    expect(lambda.entrypoint).toBe(`123456789012.dkr.ecr.${env.PROJECT_REGION}.amazonaws.com/${env.PROJECT_REPO}@${SET_BY_ENSURE.PROJECT_IMAGE_DIGEST}`);
    expect(attrValue(lambda.attr, 'timeout')).toBe('900');
    expect(Number(attrValue(lambda.attr, 'memory'))).toBeGreaterThanOrEqual(512);
    expect(Number(attrValue(lambda.attr, 'concurrency'))).toBeGreaterThan(0);
    expect(Number(attrValue(lambda.attr, 'logs-ttl-days'))).toBeGreaterThan(0);
    expect(lambda.trigger).toEqual([
      { type: 'api', attr: [`dns=${env.PROJECT_DOMAIN}`] },
      { type: 'schedule', attr: ['rate(5 minutes)'] },
    ]);
    expect(lambda.policy).toEqual(['AWSLambdaBasicExecutionRole']);
  });

  it("gives the function an environment the backend's loadConfig accepts, with its timeout equal to the function's", () => {
    const [name, lambda] = lambdaOf(infra);
    const lambdaEnv = Object.fromEntries((lambda.env ?? []).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    const config = loadConfig({ ...lambdaEnv, AWS_LAMBDA_FUNCTION_NAME: name });
    expect(config).toMatchObject({ projectName: name, bucket: env.PROJECT_BUCKET, table: env.PROJECT_TABLE, functionName: name });
    expect(String(config.functionTimeoutSeconds)).toBe(attrValue(lambda.attr, 'timeout'));
    expect(config.jobTtlSeconds).toBe(Number(env.JOB_TTL_DAYS) * 86_400);
  });

  it("allows only this project's table, bucket and function, one action each, no wildcard action", () => {
    const [, lambda] = lambdaOf(infra);
    const own = {
      dynamodb: `arn:aws:dynamodb:*:*:table/${env.PROJECT_TABLE}`,
      s3: `arn:aws:s3:::${env.PROJECT_BUCKET}/jobs/*`,
      lambda: `arn:aws:lambda:*:*:function:${env.PROJECT_NAME}`,
    };
    const allow = (lambda.allow ?? []).map((line) => {
      const [action, resource] = line.split(' ') as [string, string];
      return { service: action.split(':')[0] as string, verb: action.split(':')[1] as string, resource };
    });
    expect(allow.length).toBeGreaterThan(0);
    for (const { service, verb, resource } of allow) {
      expect(Object.keys(own), service).toContain(service);
      expect(resource, `${service}:${verb}`).toBe(own[service as keyof typeof own]);
      expect(verb).not.toContain('*');
    }
    expect(allow.map((line) => `${line.service}:${line.verb}`).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
      'lambda:InvokeFunction',
      's3:GetObject',
      's3:PutObject',
    ]);
  });

  it('is refused by the schema when an attribute is not one libaws documents', () => {
    const broken = substitute(INFRA, env).replace('memory=', 'memroy=').replace('cors=true', 'cors=yes');
    const result = InfraSet.safeParse(parse(broken));
    expect(result.success).toBe(false);
    expect(result.error?.message).toContain('memory=<MB>');
    expect(result.error?.message).toContain('cors=true|false');
    expect(() => substitute('${NOT_IN_THE_TEMPLATE}', env)).toThrow('Expected env.sh.template to define ${NOT_IN_THE_TEMPLATE}, but it is not set');
  });
});

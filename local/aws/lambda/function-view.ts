import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ResolvedFunctionConfig } from './config.js';
import { formatFunctionArn, LATEST, LOCAL_ACCOUNT_ID } from './names.js';
import { formatHandler } from './worker-env.js';

/** What GetFunction reports about a registration besides its config. */
export interface CodeFacts {
  lastModified: Date;
  revisionId: string;
  codeSha256: string;
  codeSize: number;
}

/** Reads the handler module's size and SHA-256 (base64, as Lambda reports CodeSha256). */
export function readCodeFacts(config: ResolvedFunctionConfig, now = new Date()): CodeFacts {
  let code: Buffer;
  try {
    code = readFileSync(config.module);
  } catch {
    code = Buffer.alloc(0);
  }
  return {
    lastModified: now,
    revisionId: randomUUID(),
    codeSha256: createHash('sha256').update(code).digest('base64'),
    codeSize: code.length,
  };
}

/** Lambda's timestamp format: `2024-01-31T12:00:00.000+0000`. */
export function formatLastModified(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** The FunctionConfiguration object of GetFunction, GetFunctionConfiguration and ListFunctions. */
export function describeFunctionConfiguration(region: string, config: ResolvedFunctionConfig, facts: CodeFacts): Record<string, unknown> {
  return {
    FunctionName: config.name,
    FunctionArn: formatFunctionArn(region, config.name),
    Runtime: 'nodejs20.x',
    Role: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${config.role ?? `${config.name}-role`}`,
    Handler: formatHandler(config),
    CodeSize: facts.codeSize,
    Description: '',
    Timeout: config.timeoutSeconds,
    MemorySize: config.memoryMb,
    LastModified: formatLastModified(facts.lastModified),
    CodeSha256: facts.codeSha256,
    Version: LATEST,
    Environment: { Variables: { ...config.env } },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: facts.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: [process.arch === 'arm64' ? 'arm64' : 'x86_64'],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${config.name}` },
  };
}

/** The GetFunction response body. */
export function describeFunction(region: string, config: ResolvedFunctionConfig, facts: CodeFacts): Record<string, unknown> {
  return {
    Configuration: describeFunctionConfiguration(region, config, facts),
    Code: { RepositoryType: 'S3' },
    ...(config.reservedConcurrency > 0 ? { Concurrency: { ReservedConcurrentExecutions: config.reservedConcurrency } } : {}),
  };
}

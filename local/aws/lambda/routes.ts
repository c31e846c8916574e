import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { AwsError, type ServiceRequest } from '../service.js';
import { queryValue } from '../sigv4.js';
import { accessDenied, invalidRequestContent, validationError } from './errors.js';
import { formatFunctionArn, LATEST, parseFunctionReference } from './names.js';
import type { InvocationType, InvokeOptions, InvokeResult, LogType } from './types.js';

/** What the REST API needs from the service. */
export interface LambdaApi {
  /** The region of the service's ARNs. */
  region: string;
  invoke(name: string, payload: Buffer, type: InvocationType, options: InvokeOptions): Promise<InvokeResult>;
  /** GetFunction's body; throws ResourceNotFoundException. */
  describeFunction(name: string, qualifier: string | undefined): Record<string, unknown>;
  /** GetFunctionConfiguration's body; throws ResourceNotFoundException. */
  describeConfiguration(name: string, qualifier: string | undefined): Record<string, unknown>;
  /** Every function's configuration, sorted by name. */
  listConfigurations(): Array<Record<string, unknown> & { FunctionName: string }>;
}

const API_PREFIX = '/2015-03-31/functions';

const InvocationTypeHeader = z.enum(['Event', 'RequestResponse', 'DryRun']);
const LogTypeHeader = z.enum(['None', 'Tail']);
const MaxItemsQuery = z.coerce.number().int().min(1).max(10_000);

/** Whether a request path belongs to the Lambda REST API. */
export function isLambdaPath(url: string): boolean {
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);
}

/** Serves Invoke, GetFunction, GetFunctionConfiguration and ListFunctions. */
export async function serveLambdaRequest(api: LambdaApi, request: ServiceRequest, res: ServerResponse): Promise<void> {
  const segments = splitPath(request.rawPath);
  const qualifier = queryValue(request.query, 'Qualifier');
  const name = segments[0] ?? '';
  switch (classifyRequest(request.method, segments)) {
    case 'ListFunctions':
      authorize(request, 'lambda:ListFunctions', '*');
      sendJson(res, 200, listFunctions(api, request));
      return;
    case 'Invoke':
      authorize(request, 'lambda:InvokeFunction', functionArnOf(api, name, qualifier));
      await serveInvoke(api, request, res, name, qualifier);
      return;
    case 'GetFunction':
      authorize(request, 'lambda:GetFunction', functionArnOf(api, name, qualifier));
      sendJson(res, 200, api.describeFunction(name, qualifier));
      return;
    case 'GetFunctionConfiguration':
      authorize(request, 'lambda:GetFunctionConfiguration', functionArnOf(api, name, qualifier));
      sendJson(res, 200, api.describeConfiguration(name, qualifier));
      return;
    case undefined:
      throw new AwsError(404, 'UnknownOperationException', `Expected Invoke, GetFunction or ListFunctions, got ${request.method} ${request.rawPath}`);
  }
}

/** The Lambda API operation a request asks for (the fault layer matches on it), or `Unknown`. */
export function operationOfLambdaRequest(request: Pick<ServiceRequest, 'method' | 'rawPath'>): string {
  try {
    return classifyRequest(request.method, splitPath(request.rawPath)) ?? 'Unknown';
  } catch {
    return 'Unknown';
  }
}

type LambdaOperation = 'ListFunctions' | 'Invoke' | 'GetFunction' | 'GetFunctionConfiguration';

function classifyRequest(method: string, [name, action, extra]: readonly string[]): LambdaOperation | undefined {
  if (method === 'GET' && (name === undefined || name === '') && action === undefined) return 'ListFunctions';
  if (name === undefined || name === '' || extra !== undefined) return undefined;
  if (method === 'POST' && action === 'invocations') return 'Invoke';
  if (method === 'GET' && action === undefined) return 'GetFunction';
  if (method === 'GET' && action === 'configuration') return 'GetFunctionConfiguration';
  return undefined;
}

/**
 * Refuses a request its caller's policies do not allow (403 AccessDeniedException). Lambda
 * authorizes before it looks the function up: a caller without permission is denied on a
 * function that does not exist, too.
 */
function authorize(request: ServiceRequest, action: string, resource: string): void {
  const denial = request.caller?.principal?.authorize(action, resource);
  if (denial) throw accessDenied(denial);
}

/** The ARN a request addresses, as IAM sees it: qualified when the caller named a qualifier. */
function functionArnOf(api: LambdaApi, reference: string, qualifier: string | undefined): string {
  const parsed = parseFunctionReference(reference);
  return formatFunctionArn(parsed.region ?? api.region, parsed.name, qualifier ?? parsed.qualifier);
}

function splitPath(rawPath: string): string[] {
  const rest = rawPath.slice(API_PREFIX.length).replace(/^\//, '');
  if (rest === '') return [];
  return rest.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch (error) {
      throw new AwsError(400, 'ValidationException', `Expected a percent-encoded path segment, got \`${segment.slice(0, 100)}\``, { cause: error });
    }
  });
}

async function serveInvoke(api: LambdaApi, request: ServiceRequest, res: ServerResponse, name: string, qualifier: string | undefined): Promise<void> {
  const type = readEnumHeader(request, 'x-amz-invocation-type', 'invocationType', InvocationTypeHeader) ?? 'RequestResponse';
  const logType: LogType = readEnumHeader(request, 'x-amz-log-type', 'logType', LogTypeHeader) ?? 'None';
  const options: InvokeOptions = { logType };
  if (qualifier !== undefined) options.qualifier = qualifier;
  const clientContext = readClientContext(request);
  if (clientContext !== undefined) options.clientContext = clientContext;
  const result = await api.invoke(name, request.body ?? Buffer.alloc(0), type, options);
  const headers: Record<string, string | number> = {
    'x-amzn-RequestId': result.requestId ?? randomUUID(),
    'content-length': result.payload.length,
  };
  if (result.statusCode === 200) {
    headers['content-type'] = 'application/json';
    headers['X-Amz-Executed-Version'] = result.executedVersion ?? LATEST;
    if (result.functionError) headers['X-Amz-Function-Error'] = result.functionError;
    if (result.logResult !== undefined) headers['X-Amz-Log-Result'] = result.logResult;
  }
  res.writeHead(result.statusCode, headers);
  res.end(result.payload);
}

function readEnumHeader<T extends string>(request: ServiceRequest, header: string, member: string, schema: z.ZodType<T>): T | undefined {
  const raw = request.headers[header];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const allowed = schema instanceof z.ZodEnum ? (schema.options as string[]).join(', ') : '';
  throw validationError(
    `1 validation error detected: Value '${value.slice(0, 100)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed}]`,
  );
}

function readClientContext(request: ServiceRequest): unknown {
  const raw = request.headers['x-amz-client-context'];
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch (error) {
    throw invalidRequestContent(`Client context must be a valid Base64-encoded JSON object, got \`${raw.slice(0, 100)}\``, error);
  }
}

function listFunctions(api: LambdaApi, request: ServiceRequest): Record<string, unknown> {
  const maxItemsText = queryValue(request.query, 'MaxItems');
  let maxItems = 50;
  if (maxItemsText !== undefined) {
    const parsed = MaxItemsQuery.safeParse(maxItemsText);
    if (!parsed.success) {
      throw validationError(`Expected MaxItems to be an integer from 1 to 10000, got \`${maxItemsText.slice(0, 50)}\``);
    }
    maxItems = parsed.data;
  }
  const marker = queryValue(request.query, 'Marker');
  const after = marker === undefined ? undefined : Buffer.from(marker, 'base64url').toString('utf8');
  const all = api.listConfigurations().filter((config) => after === undefined || config.FunctionName > after);
  const page = all.slice(0, maxItems);
  const body: Record<string, unknown> = { Functions: page };
  const last = page.at(-1);
  if (all.length > page.length && last) body.NextMarker = Buffer.from(last.FunctionName).toString('base64url');
  return body;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}

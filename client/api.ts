import type * as z from 'zod/mini';
import { AUTH_HEADER, ErrorResponse, LOCAL_DEFAULTS } from '../protocol/index.js';
import { abortReason } from './abort.js';
import { ApiError, ProtocolError, createApiError } from './errors.js';
import type { ResolvedClientOptions } from './options.js';
import { fetchWithRetry } from './retry.js';

/** One call of the JSON API. */
export interface ApiCall<Schema extends z.ZodMiniType> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** The answer's schema; a 2xx answer that does not match it is a ProtocolError. */
  schema: Schema;
  signal?: AbortSignal;
}

/** Calls the API with the auth header and retries; returns the parsed answer or throws a typed error. */
export async function callApi<Schema extends z.ZodMiniType>(
  options: ResolvedClientOptions,
  call: ApiCall<Schema>,
): Promise<z.output<Schema>> {
  const url = buildApiUrl(options.url, call.path, call.query);
  const headers: Record<string, string> = { [AUTH_HEADER]: options.auth, accept: 'application/json' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = {
    method: call.method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    signal: call.signal,
  };
  const what = `${call.method} ${call.path}`;
  const response = await fetchWithRetry(options.fetch, url, init, options.retry, what);
  const text = await readText(response, call.signal);
  const foreign = describeAwsAnswer(text, options.url);
  if (foreign !== undefined) throw new ProtocolError(foreign);
  if (!response.ok) throw createApiError(response.status, describeErrorBody(response, text));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(`Expected JSON from ${what}, got \`${text.slice(0, 200)}\``, { cause: error });
  }
  const parsed = call.schema.safeParse(json);
  if (!parsed.success) {
    throw new ProtocolError(`Unexpected answer from ${what}: ${parsed.error.issues[0]?.message ?? 'invalid'} in \`${text.slice(0, 200)}\``, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Joins the base URL, a path and a query string. */
export function buildApiUrl(base: string, path: string, query?: Record<string, string | number>): string {
  const search = query === undefined ? '' : `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString()}`;
  return `${base}${path}${search}`;
}

/**
 * An AWS service's XML answer (`<Error><Code>…`) where the aws-exec API was expected: the
 * client was pointed at an AWS endpoint (the local runtime's S3/DynamoDB/Lambda port, or a
 * bucket) instead of the API. Undefined for any other answer.
 */
export function describeAwsAnswer(text: string, base: string): string | undefined {
  if (!/^\s*(<\?xml[^>]*>\s*)?<(Error|ErrorResponse)\b/.test(text)) return undefined;
  const code = /<Code>([^<]{1,80})<\/Code>/.exec(text)?.[1];
  return `Expected the aws-exec API at ${base}, got an AWS service's XML error${code ? ` (${code})` : ''}: that URL is an AWS endpoint, not the API. Use the API's URL: for the local runtime the \`url\` of ${LOCAL_DEFAULTS.dataDir}/local.json (port ${LOCAL_DEFAULTS.apiPort} by default), not its \`awsEndpoint\` (${LOCAL_DEFAULTS.awsPort})`;
}

/** The server's `{error}` message, or the status and the start of whatever body came. */
function describeErrorBody(response: Response, text: string): string {
  try {
    const parsed = ErrorResponse.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON (a proxy's HTML page, say): described below.
  }
  const snippet = text.trim().slice(0, 200);
  return `HTTP ${response.status} ${response.statusText}`.trim() + (snippet ? `: ${snippet}` : '');
}

/** Reads a body as text; an abort while reading rejects with the abort reason. */
async function readText(response: Response, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw new ApiError(response.status, `Could not read the answer: ${String((error as Error)?.message ?? error)}`, { cause: error });
  }
}

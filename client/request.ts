import { ExecRequest } from '../protocol/index.js';
import { ValidationError } from './errors.js';
import { describeIssues } from './options.js';

/** Caller-owned presigned PUT URLs: the job writes its log, exit and size there. */
export interface PushUrlsInput {
  log: string;
  exit: string;
  size: string;
}

interface CommonRequest {
  /** The job's own timeout in seconds (the server kills it with exit 124); at most the function's timeout. */
  timeout?: number;
  /** Send the three objects to the caller's bucket instead of ours (see `tailPushed`). */
  pushUrls?: PushUrlsInput;
  /** Send the job's end to this URL as a signed webhook (Standard Webhooks; README, "Job events"). */
  notify?: { url: string };
}

/** A job to start: a subprocess (`argv`) or a registered command (`rpcName` + `rpcArgs`). */
export type JobRequest =
  | (CommonRequest & { argv: string[]; rpcName?: undefined; rpcArgs?: undefined })
  | (CommonRequest & { rpcName: string; rpcArgs?: string | Record<string, unknown>; argv?: undefined });

/** Turns a JobRequest into the wire body of `POST /api/exec`, checked against the protocol's schema. */
export function toWireRequest(request: JobRequest): ExecRequest {
  if (request === null || typeof request !== 'object') {
    throw new ValidationError(`Expected a job request object ({argv} or {rpcName, rpcArgs}), got ${request === null ? 'null' : typeof request}`);
  }
  const body = {
    argv: request.argv,
    'rpc-name': request.rpcName,
    'rpc-args': request.rpcArgs,
    'push-urls': request.pushUrls,
    notify: request.notify,
    timeout: request.timeout,
  };
  const parsed = ExecRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError(describeIssues('job request', parsed.error));
  return parsed.data;
}

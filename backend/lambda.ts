import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { JobEvent, ScheduledEvent, SweepEvent } from '../protocol/index.js';
import { createAwsClients } from './aws/clients.js';
import { loadConfig } from './config.js';
import { createBackendDeps, type BackendDeps } from './deps.js';
import { ApiGatewayV1Event } from './events.js';
import { createApp } from './http/app.js';
import { prepareOutputPipes } from './runner/output-pipe.js';
import { stopJobsForShutdown } from './runner/control.js';
import { prepareNextJob, runJob, type InvocationContext } from './runner/run-job.js';
import { sweepLostJobs, type SweepOptions, type SweepResult } from './sweep/sweep.js';

/** The part of the Lambda context the handler uses. */
export type HandlerContext = InvocationContext & { awsRequestId?: string };

/** A handler over given deps: the same dispatch as `handler`, for the local runtime and tests. */
export function createHandler(deps: BackendDeps): (event: unknown, context: HandlerContext) => Promise<unknown> {
  const http = handle(createApp(deps));
  prepareOutputPipes();
  // Only a function that runs jobs makes a job's process ahead (the API function's workers would keep an idle one).
  if (deps.config.jobFunctionName === deps.config.functionName) prepareNextJob(deps.config);
  return async (event, context) => {
    if (isApiGatewayEvent(event)) return http(event);
    const job = JobEvent.safeParse(event);
    if (job.success) return runJob(deps, job.data, context);
    const sweep = SweepEvent.safeParse(event);
    if (sweep.success) {
      const lostBefore = sweep.data['lost-before'];
      return sweepAndDeliver(deps, lostBefore === undefined ? {} : { lostBefore });
    }
    if (ScheduledEvent.safeParse(event).success) return sweepAndDeliver(deps);
    deps.logger.warn('ignored an event of unknown shape', { keys: isRecord(event) ? Object.keys(event).slice(0, 20) : typeof event });
    return { ignored: true, error: 'Expected an API Gateway event, a job event, a sweep event or a scheduled event' };
  };
}

/**
 * The sweep: finishes lost jobs, then sends the job end events that are due (those of the
 * jobs it just closed, retries whose time came, and any a deliverer left pending).
 */
async function sweepAndDeliver(deps: BackendDeps, options: SweepOptions = {}): Promise<SweepResult & { events: number }> {
  const result = await sweepLostJobs(deps, options);
  let events = 0;
  try {
    events = (await deps.events?.deliverDue()) ?? 0;
  } catch (error) {
    deps.logger.error('could not look for job end events to send', { error });
  }
  return { ...result, events };
}

let cached: ((event: unknown, context: HandlerContext) => Promise<unknown>) | undefined;

/**
 * The Lambda entry point. Config and AWS clients are built once, at the first
 * invocation of a process, and reused by every later one. From then on a SIGTERM (the
 * runtime shutting the environment down) stops the jobs the process runs, so that each
 * ends with its exit code and a closing line instead of being lost with the process.
 */
export async function handler(event: unknown, context: HandlerContext): Promise<unknown> {
  if (!cached) {
    const deps = createBackendDeps(loadConfig(process.env), createAwsClients(process.env));
    cached = createHandler(deps);
    process.once('SIGTERM', () => {
      const stopped = stopJobsForShutdown();
      deps.logger.info('SIGTERM: stopping the jobs of this process', { jobs: stopped });
    });
  }
  return cached(event, context);
}

/** Checks the fields hono's adapter reads; the rest of the event is passed through untouched. */
function isApiGatewayEvent(event: unknown): event is LambdaEvent {
  return ApiGatewayV1Event.safeParse(event).success;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

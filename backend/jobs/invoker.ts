import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { JobEvent } from '../../protocol/index.js';

/** Starts a job's runner: on Lambda, an asynchronous invocation of the job function (this one, or JOB_FUNCTION_NAME). */
export interface JobInvoker {
  invokeJob(event: JobEvent): Promise<void>;
}

/**
 * Invokes the job function with `InvocationType: Event` (answered 202 once queued), through
 * the SDK's Lambda client; its errors are the SDK's classes (e.g. ResourceNotFoundException).
 */
export function createLambdaInvoker(deps: { lambda: LambdaClient; functionName: string }): JobInvoker {
  return {
    async invokeJob(event) {
      const answer = await deps.lambda.send(
        new InvokeCommand({ FunctionName: deps.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }),
      );
      if (answer.StatusCode !== 202) {
        throw new Error(`Expected Lambda to queue the job event (202), got ${answer.StatusCode}`);
      }
    },
  };
}

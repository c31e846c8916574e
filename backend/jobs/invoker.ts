import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { JobEvent } from '../../protocol/index.js';
import { createSignedSender, throwIfFailed } from '../aws/signed-calls.js';

/** Starts a job's runner: on Lambda, an asynchronous invocation of the job function (this one, or JOB_FUNCTION_NAME). */
export interface JobInvoker {
  invokeJob(event: JobEvent): Promise<void>;
}

/**
 * Invokes the job function with `InvocationType: Event` (answered 202 once queued).
 * Sent as a signed request outside the SDK's stack (see aws/signed-calls.ts): every job
 * start makes this call while its caller waits for the uid.
 */
export function createLambdaInvoker(deps: { lambda: LambdaClient; functionName: string }): JobInvoker {
  const probe = new InvokeCommand({ FunctionName: deps.functionName, InvocationType: 'Event', Payload: Buffer.from('{}') });
  const sender = createSignedSender(deps.lambda, probe, 'lambda');
  return {
    async invokeJob(event) {
      const answer = await sender.send({ headers: {}, body: JSON.stringify(event) });
      throwIfFailed(answer, 'Lambda Invoke');
      if (answer.status !== 202) {
        throw new Error(`Expected Lambda to queue the job event (202), got ${answer.status}`);
      }
    },
  };
}

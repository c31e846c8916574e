import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { JobEvent } from '../../protocol/index.js';

/** Starts a job's runner: on Lambda, an asynchronous invocation of this same function. */
export interface JobInvoker {
  invokeJob(event: JobEvent): Promise<void>;
}

/** Invokes the function itself with `InvocationType: Event` (answered 202 once queued). */
export function createLambdaInvoker(deps: { lambda: LambdaClient; functionName: string }): JobInvoker {
  return {
    async invokeJob(event) {
      const result = await deps.lambda.send(
        new InvokeCommand({
          FunctionName: deps.functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(event)),
        }),
      );
      if (result.StatusCode !== 202) {
        throw new Error(`Expected Lambda to queue the job event (202), got ${result.StatusCode ?? 'no status'}`);
      }
    },
  };
}

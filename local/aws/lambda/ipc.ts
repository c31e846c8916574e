import { z } from 'zod';

// The parent validates what workers send (they run user code, which may call process.send too).
// Workers only check what the parent sends with the light guards in worker-guards.ts: importing
// zod there would add about 70 ms to every cold start.

/** A function error as Lambda returns it in the payload (`X-Amz-Function-Error: Unhandled`). */
export const FunctionErrorBody = z.object({
  errorType: z.string(),
  errorMessage: z.string(),
  trace: z.array(z.string()).optional(),
});
export type FunctionErrorBody = z.infer<typeof FunctionErrorBody>;

/** What the runtime asks an execution environment to do: run one invocation. */
export const InvokeMessage = z.object({
  type: z.literal('invoke'),
  requestId: z.string(),
  /** The event as JSON text (already checked to parse). */
  payload: z.string(),
  /** Epoch milliseconds when the runtime kills the environment. */
  deadlineMs: z.number(),
  invokedFunctionArn: z.string(),
  clientContext: z.unknown().optional(),
});
export type InvokeMessage = z.infer<typeof InvokeMessage>;

/** What an execution environment reports back. */
export const WorkerMessage = z.discriminatedUnion('type', [
  /** The handler module is loaded and the handler found. */
  z.object({ type: z.literal('ready') }),
  /** Loading the module or finding the handler failed; the environment exits. */
  z.object({ type: z.literal('init-error'), error: FunctionErrorBody }),
  /** The handler finished; `payload` is the JSON text of its result. */
  z.object({ type: z.literal('result'), requestId: z.string(), payload: z.string() }),
  /** The handler threw or rejected. */
  z.object({ type: z.literal('error'), requestId: z.string(), error: FunctionErrorBody }),
  /** An uncaught exception or unhandled rejection; the environment exits right after. */
  z.object({ type: z.literal('fatal'), error: FunctionErrorBody }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;


import type { InvokeMessage } from './ipc.js';

// Hand-written checks instead of the zod schemas in ipc.ts: the worker side avoids loading
// zod, which would add about 70 ms to every cold start. The sender is the service itself.

/** Reads an invoke request from the service, or returns undefined when `raw` is not one. */
export function readInvokeMessage(raw: unknown): InvokeMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const message = raw as Record<string, unknown>;
  if (
    message.type !== 'invoke' ||
    typeof message.requestId !== 'string' ||
    typeof message.payload !== 'string' ||
    typeof message.deadlineMs !== 'number' ||
    typeof message.invokedFunctionArn !== 'string'
  ) {
    return undefined;
  }
  return message as InvokeMessage;
}

/** Reads the bootstrap's `<module> <handlerExport>` arguments, or returns undefined. */
export function readBootstrapArgs(argv: readonly string[]): { modulePath: string; exportName: string } | undefined {
  const [modulePath, exportName] = argv;
  if (argv.length !== 2 || !modulePath || !exportName) return undefined;
  return { modulePath, exportName };
}

/** Reads the watchdog thread's data, or returns undefined. */
export function readWatchdogData(raw: unknown): { parentPid: number; marker: string | undefined } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const data = raw as Record<string, unknown>;
  if (typeof data.parentPid !== 'number') return undefined;
  return { parentPid: data.parentPid, marker: typeof data.marker === 'string' ? data.marker : undefined };
}

import type { FunctionErrorBody } from './ipc.js';

/** Turns anything thrown into Lambda's error shape (a non-Error's type is its `typeof`, as in the Node runtime). */
export function describeError(error: unknown): FunctionErrorBody {
  if (error instanceof Error) {
    const errorType = error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
    return {
      errorType,
      errorMessage: error.message,
      trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
    };
  }
  if (typeof error === 'object' && error !== null) {
    const record = error as Record<string, unknown>;
    return {
      errorType: typeof record.errorType === 'string' ? record.errorType : 'object',
      errorMessage: typeof record.errorMessage === 'string' ? record.errorMessage : safeStringify(error),
      trace: [],
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

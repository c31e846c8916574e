// Records each attempt in event.path, then fails: shows the retries of an Event invocation.
import { appendFileSync } from 'node:fs';

export const handler = async (event, context) => {
  appendFileSync(event.path, `${context.awsRequestId}\n`);
  throw new Error('always failing');
};

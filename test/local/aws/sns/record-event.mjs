// A Lambda handler for the SNS tests: appends each event it is invoked with to $SNS_EVENTS_FILE, one JSON line each.
import { appendFile } from 'node:fs/promises';

export const handler = async (event) => {
  await appendFile(process.env.SNS_EVENTS_FILE, `${JSON.stringify(event)}\n`);
  return { recorded: true };
};

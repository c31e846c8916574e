// Writes event.content to event.path (after event.delayMs, if given): a visible side effect of an Event invocation.
import { writeFile } from 'node:fs/promises';

export const handler = async (event) => {
  if (event.delayMs) await new Promise((resolve) => setTimeout(resolve, event.delayMs));
  await writeFile(event.path, event.content);
  return { written: event.path };
};

// Writes event.content to event.path: a visible side effect of an Event invocation.
import { writeFile } from 'node:fs/promises';

export const handler = async (event) => {
  await writeFile(event.path, event.content);
  return { written: event.path };
};

// Sleeps for event.ms and reports when it ran.
export const handler = async (event) => {
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, event.ms ?? 100));
  return { start, end: Date.now(), pid: process.pid };
};

// Waits until the environment gets SIGTERM (the service shutting down), then answers.
let stop;
process.on('SIGTERM', () => stop?.({ stoppedBy: 'SIGTERM', pid: process.pid }));
export const handler = () =>
  new Promise((resolve) => {
    stop = resolve;
    process.stdout.write('waiting for SIGTERM\n');
  });

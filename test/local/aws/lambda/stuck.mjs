// Prints its pid, then never gives the event loop back (not even to a SIGTERM listener).
export const handler = () => {
  process.stdout.write(`stuck pid ${process.pid}\n`);
  for (;;) {
    // spin
  }
};

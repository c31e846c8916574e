// Never gives the event loop back.
export const handler = () => {
  for (;;) {
    // spin
  }
};

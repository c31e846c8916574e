// Exits the process in the middle of an invocation.
export const handler = async (event) => {
  console.error('exiting with', event.code ?? 3);
  process.exit(event.code ?? 3);
};

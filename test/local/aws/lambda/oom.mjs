// Allocates until the V8 heap limit (set from the function's memory size) is reached.
const kept = [];

export const handler = async () => {
  for (;;) kept.push(new Array(100_000).fill(kept.length));
};

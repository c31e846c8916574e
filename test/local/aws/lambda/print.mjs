// Writes to stdout and stderr, then answers.
export const handler = async (event) => {
  console.log(`hello from stdout ${event.tag}`);
  console.error(`hello from stderr ${event.tag}`);
  process.stdout.write('an unfinished line');
  return 'printed';
};

/**
 * Whether argv runs `serve` (`aws-exec [--data-dir DIR] serve ...`): the only global option
 * that may come before it is `--data-dir`; anything else (help, the version, another
 * command) is for the full CLI.
 */
export function isServeArgv(argv: readonly string[]): boolean {
  let index = 0;
  while (argv[index] === '--data-dir' || argv[index]?.startsWith('--data-dir=')) index += argv[index] === '--data-dir' ? 2 : 1;
  return argv[index] === 'serve';
}

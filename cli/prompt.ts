import { createInterface } from 'node:readline';
import type { CliContext } from './context.js';

/** Asks a yes/no question on the terminal; resolves false on anything but y/yes, and on Ctrl-C or end of input. */
export function askYesNo(context: CliContext, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: context.stdin, output: context.stderr, terminal: context.stdin.isTTY === true });
    let answered = false;
    const finish = (answer: boolean) => {
      if (answered) return;
      answered = true;
      lines.close();
      resolve(answer);
    };
    lines.on('SIGINT', () => {
      context.stderr.write('\n');
      finish(false);
    });
    lines.on('close', () => finish(false));
    lines.question(question, (answer) => finish(/^\s*y(es)?\s*$/i.test(answer)));
  });
}

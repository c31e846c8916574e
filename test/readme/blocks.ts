// Reads README.md's fenced code blocks and the shell command lines in them, for the test
// that checks every example works as written.

/** A fenced block: its language, its text, the `## ` section it is in and its first line. */
export interface CodeBlock {
  lang: string;
  code: string;
  section: string;
  line: number;
}

/** The fenced code blocks of a Markdown text, in order. */
export function readCodeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) continue;
    const start = index;
    const body: string[] = [];
    while (++index < lines.length && !/^```\s*$/.test(lines[index] as string)) body.push(lines[index] as string);
    blocks.push({ lang: fence[1] ?? '', code: `${body.join('\n')}\n`, section, line: start + 1 });
  }
  return blocks;
}

/**
 * The words of each `aws-exec` command in a shell text (after `npx`, `aws-exec` itself at
 * a command's start, or the deploy scripts' `bin/cli.sh`; `npm start -- ARGS` as `serve ARGS`),
 * one list per command: lines joined at a trailing backslash, the
 * command ending at `;`, `|`, `&&`, `)`, `#` or a redirection; quotes removed.
 */
export function findCliCommands(shell: string): string[][] {
  const joined = shell.replace(/\\\n\s*/g, ' ');
  const commands: string[][] = [];
  for (const line of joined.split('\n')) {
    const words = splitWords(line);
    for (let index = 0; index < words.length; index++) {
      const word = words[index] as string;
      const before = index === 0 ? '' : (words[index - 1] as string);
      const starts = (word === 'aws-exec' && (before === '' || /(^|\$\()npx$/.test(before) || before.endsWith('$(') || isSeparator(before))) || word.endsWith('bin/cli.sh');
      // `npm start -- ARGS` is `aws-exec serve ARGS`.
      const serve = word === 'start' && before === 'npm' && words[index + 1] === '--';
      if (!starts && !serve) continue;
      const command: string[] = serve ? ['serve'] : [];
      if (serve) index++;
      for (index++; index < words.length && !isSeparator(words[index] as string); index++) command.push(words[index] as string);
      commands.push(command);
    }
  }
  return commands;
}

function isSeparator(word: string): boolean {
  return [';', '|', '||', '&&', ')', '#', '>', '2>', '>>', '&'].includes(word) || word.startsWith('#');
}

/** Splits a shell line into words: quotes kept together (and removed), `;`, `|`, `)` and `&&` as words of their own. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  const flush = () => {
    if (started) words.push(current);
    current = '';
    started = false;
  };
  for (let index = 0; index < line.length; index++) {
    const char = line[index] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
      continue;
    }
    if (char === '#' && !started) break; // a comment runs to the end of the line
    if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) flush();
    else if (char === ';' || char === '|' || char === ')' || (char === '&' && line[index + 1] === '&')) {
      flush();
      words.push(char === '&' ? '&&' : char === '|' && line[index + 1] === '|' ? '||' : char);
      if (char === '&' || (char === '|' && line[index + 1] === '|')) index++;
    } else {
      current += char;
      started = true;
    }
  }
  flush();
  return words;
}

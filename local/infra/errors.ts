import { isAbsolute, relative } from 'node:path';

/** One thing wrong with an infrastructure file: where (file, 1-based line when known) and what. */
export interface InfraProblem {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** An infra.yaml (or its env template) that cannot be used; `problems` holds each thing wrong, in file order. */
export class InfraError extends Error {
  readonly problems: readonly InfraProblem[];

  constructor(problems: readonly InfraProblem[], options?: { cause?: unknown }) {
    super(problems.map(formatProblem).join('\n'), options);
    this.name = 'InfraError';
    this.problems = problems;
  }
}

/** `file:line: message`, the file relative to the working directory when it lies inside it. */
export function formatProblem(problem: InfraProblem): string {
  const where = problem.line === undefined ? displayPath(problem.file) : `${displayPath(problem.file)}:${problem.line}`;
  return `${where}: ${problem.message}`;
}

/** Collects the problems of one file; `throwIfAny` ends a phase that found some. */
export class Problems {
  readonly list: InfraProblem[] = [];

  constructor(readonly file: string) {}

  /** Records a problem at a line of the file. */
  add(line: number | undefined, message: string): void {
    this.list.push(line === undefined ? { file: this.file, message } : { file: this.file, line, message });
  }

  /** Throws an InfraError holding every problem recorded so far (sorted by line), if any. */
  throwIfAny(cause?: unknown): void {
    if (this.list.length === 0) return;
    const sorted = [...this.list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new InfraError(sorted, cause === undefined ? undefined : { cause });
  }
}

function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const fromHere = relative(process.cwd(), file);
  return fromHere !== '' && !fromHere.startsWith('..') && !isAbsolute(fromHere) ? fromHere : file;
}

// `npm start` builds only when a source changed since the last build, and says which way
// it went. `npm run build` ends by recording a hash of every input (`--record`); `prestart`
// compares the inputs with that record and runs the build when they differ (or when the
// record or an output is missing). Content hashes, not mtimes: a checkout that touches
// files without changing them does not rebuild, and an edit always does.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** What the build reads: the compiled folders, the page's sources and the build's settings. */
const INPUTS = ['protocol', 'backend', 'cmd', 'client', 'cli', 'local', 'frontend', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** What the build writes; a missing one means building again. */
const OUTPUTS = ['dist/cli/main.js', 'dist/backend/lambda.js', 'dist/frontend/index.html'];
const RECORD = join(REPO, 'dist', '.build-inputs.json');

/** Each input file's path and the SHA-256 of its content. */
export function hashInputs(root: string = REPO): Record<string, string> {
  const hashes: Record<string, string> = {};
  const visit = (path: string) => {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) return;
    if (stats.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules' && !name.startsWith('.')) visit(join(path, name));
    } else if (stats.isFile()) {
      hashes[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  for (const input of INPUTS) visit(join(root, input));
  return hashes;
}

/** The inputs that differ from the record (added, changed or removed), or undefined when there is no record. */
export function findChanges(current: Record<string, string>, recorded: Record<string, string> | undefined): string[] | undefined {
  if (recorded === undefined) return undefined;
  const names = new Set([...Object.keys(current), ...Object.keys(recorded)]);
  return [...names].filter((name) => current[name] !== recorded[name]).sort();
}

function readRecord(): Record<string, string> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(RECORD, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

function main(argv: string[]): number {
  if (argv.includes('--record')) {
    writeFileSync(RECORD, JSON.stringify(hashInputs()));
    return 0;
  }
  const changes = findChanges(hashInputs(), readRecord());
  const missing = OUTPUTS.filter((output) => !existsSync(join(REPO, output)));
  if (changes !== undefined && changes.length === 0 && missing.length === 0) {
    console.log('aws-exec: the build is up to date (no source changed since the last `npm run build`); starting it');
    return 0;
  }
  const why =
    missing.length > 0 || changes === undefined
      ? 'no complete build yet'
      : `${changes.length} file${changes.length === 1 ? '' : 's'} changed since the last build: ${changes.slice(0, 5).join(', ')}${changes.length > 5 ? ', …' : ''}`;
  console.log(`aws-exec: building first (${why})…`);
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
  return built.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(main(process.argv.slice(2)));

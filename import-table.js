// @ts-check
// DESIGN.md's import table ("Pieces and where they live"), enforced with eslint-plugin-boundaries.
// README.md's "Layout" section shows the same table with the reasons for where it differs from
// DESIGN.md; change both together. Package imports are free except in protocol/ (zod only).

/**
 * Folder → what its files may import besides their own folder: a folder, or a path under it
 * (a glob) where only part of a folder is allowed.
 */
export const IMPORT_TABLE = {
  protocol: [],
  cmd: ['protocol'],
  backend: ['protocol', 'cmd'],
  client: ['protocol'],
  // DESIGN: client, cmd, protocol. Also: `serve` starts the local runtime and every command reads
  // its local.json; `auth new/ls/rm` administer keys in the table and `share rm` hashes a token
  // into its id with the backend's own key code (stored formats defined once); `--version`
  // reads package.json as the API's /api/version does.
  cli: ['client', 'cmd', 'protocol', 'local', 'backend/auth/**', 'backend/version.ts'],
  frontend: ['client', 'protocol'],
  local: ['backend', 'protocol'],
};

/** An eslint-plugin-boundaries element selector of a table entry (`folder` or `folder/glob`). */
function selectorOf(entry) {
  const [type, ...rest] = entry.split('/');
  return rest.length === 0 ? { type } : { type, fileInternalPath: rest.join('/') };
}

/** The flat-config block that enforces IMPORT_TABLE on the project's folders. */
export function importTableConfig(boundaries) {
  const folders = Object.keys(IMPORT_TABLE);
  return {
    files: folders.map((folder) => `${folder}/**/*.{ts,tsx,js,mjs}`),
    plugins: { boundaries },
    settings: {
      'boundaries/elements': folders.map((folder) => ({ type: folder, pattern: folder, partialMatch: false })),
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      // Resolves `../x.js` to x.ts as TypeScript does, through tsconfig.json.
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          // Packages and node: builtins too (protocol/'s are limited).
          checkAllOrigins: true,
          message: '{{from.type}}/ may not import {{to.type}}/{{to.fileInternalPath}} (the import table: README.md "Layout", import-table.js)',
          policies: [
            ...folders.map((folder) => ({
              from: { element: { type: folder } },
              allow: { to: { element: [{ type: folder }, ...IMPORT_TABLE[folder].map(selectorOf)] } },
            })),
            { allow: { to: { module: { origin: 'core' } } } },
            { from: { element: { type: '!protocol' } }, allow: { to: { module: { origin: 'external' } } } },
            { from: { element: { type: 'protocol' } }, allow: { to: { module: { origin: 'external', source: 'zod{,/**}' } } } },
          ],
        },
      ],
    },
  };
}

import type { Hono } from 'hono';
import { PATHS, mayStartArgv, mayStartCommand, type CommandInfo, type ListCommandsResponse } from '../../../protocol/index.js';
import { checkAccess } from '../../auth/access.js';
import type { AppDeps, AppEnv } from '../env.js';
import { registerPageRoutes } from './page.js';

/** `GET /api/commands` (those the caller may start), `GET /_version` and the page at `/` with its icons. */
export function registerMetaRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  let commands: CommandInfo[] | undefined;
  app.get(PATHS.commands, (c) => {
    const principal = c.get('principal');
    checkAccess(principal, { kind: 'commands' });
    commands ??= deps.registry.describe();
    const scopes = principal.kind === 'key' ? principal.scopes : undefined;
    // A key without `exec` may start only its rpc: commands, and of those only the confined ones.
    const allowed = mayStartArgv(scopes)
      ? commands
      : commands.filter((command) => mayStartCommand(scopes, command.name) && deps.registry.find(command.name)?.confined === true);
    return c.json({ commands: allowed } satisfies ListCommandsResponse);
  });
  app.get(PATHS.version, (c) => c.json(deps.version));
  registerPageRoutes(app, deps);
}

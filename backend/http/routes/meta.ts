import type { Hono } from 'hono';
import { PATHS, type CommandInfo, type ListCommandsResponse } from '../../../protocol/index.js';
import type { AppDeps, AppEnv } from '../env.js';
import { registerPageRoutes } from './page.js';

/** `GET /api/commands`, `GET /_version` and the page at `/` with its icons. */
export function registerMetaRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  let commands: CommandInfo[] | undefined;
  app.get(PATHS.commands, (c) => {
    commands ??= deps.registry.describe();
    return c.json({ commands } satisfies ListCommandsResponse);
  });
  app.get(PATHS.version, (c) => c.json(deps.version));
  registerPageRoutes(app, deps);
}

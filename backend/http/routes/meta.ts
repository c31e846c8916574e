import type { Hono } from 'hono';
import { PATHS, type CommandInfo, type ListCommandsResponse } from '../../../protocol/index.js';
import type { AppDeps, AppEnv } from '../env.js';
import { renderHomePage } from '../home.js';
import { loadPageHtml } from '../page-source.js';

/** `GET /api/commands`, `GET /_version` and the page at `/`. */
export function registerMetaRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  let commands: CommandInfo[] | undefined;
  app.get(PATHS.commands, (c) => {
    commands ??= deps.registry.describe();
    return c.json({ commands } satisfies ListCommandsResponse);
  });
  app.get(PATHS.version, (c) => c.json(deps.version));
  const home = loadPageHtml() ?? renderHomePage(deps.version.name, deps.version.version);
  app.get('/', (c) => c.html(home));
}

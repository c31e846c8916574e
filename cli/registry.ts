import { CommandRegistry } from '../cmd/registry.js';

// cmd/index.ts (the explicit list of commands) is written alongside; until it exists the
// CLI runs with no registered commands. The specifier is a variable so that the type
// checker does not require the file.
const COMMANDS_MODULE = '../cmd/index.js';

/** The registered commands: cmd/index.ts's `registry`, or an empty one while that file does not exist. */
export async function loadRegistry(): Promise<CommandRegistry> {
  let loaded: { registry?: unknown };
  try {
    loaded = (await import(COMMANDS_MODULE)) as { registry?: unknown };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('cmd/index')) return new CommandRegistry([]);
    throw error;
  }
  if (!(loaded.registry instanceof CommandRegistry)) throw new Error('Expected cmd/index.js to export `registry`, a CommandRegistry');
  return loaded.registry;
}

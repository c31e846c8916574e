import { z } from 'zod';
import type { CommandInfo } from '../protocol/index.js';
import type { Command } from './define.js';

/** An explicit, ordered list of commands (no registration by import side effects). */
export class CommandRegistry {
  private readonly byName: ReadonlyMap<string, Command>;

  constructor(readonly commands: readonly Command[]) {
    const byName = new Map<string, Command>();
    for (const command of commands) {
      if (byName.has(command.name)) throw new Error(`Expected unique command names, got \`${command.name}\` twice`);
      byName.set(command.name, command);
    }
    this.byName = byName;
  }

  /** Returns the command of that name, or undefined. */
  find(name: string): Command | undefined {
    return this.byName.get(name);
  }

  /** Describes every command with its argument JSON Schema, for `GET /api/commands`. */
  describe(): CommandInfo[] {
    return this.commands.map((command) => ({
      name: command.name,
      describe: command.describe,
      args: z.toJSONSchema(command.args, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    }));
  }
}

import { useState } from 'preact/hooks';
import type { CommandInfo } from '../../../client/index.js';
import { CommandForm } from '../forms/command-form.js';
import { Prompt } from './prompt.js';

/** What to run: a shell command at the prompt, or a registered command through its form. */
export interface RunRequest {
  command?: string;
  rpc?: { name: string; args: unknown };
}

/** The prompt, or a registered command's form, picked from a list beside it. */
export function Composer({ commands, busy, problem, onRun }: { commands: CommandInfo[]; busy: boolean; problem: string | undefined; onRun: (request: RunRequest) => void }) {
  const [picked, setPicked] = useState('');
  const command = commands.find((candidate) => candidate.name === picked);
  return (
    <div class="composer">
      <div class="picker">
        <label for="pick">Run</label>
        <select id="pick" value={picked} onChange={(event) => setPicked(event.currentTarget.value)}>
          <option value="">a shell command</option>
          {commands.map((candidate) => (
            <option value={candidate.name}>{candidate.name}</option>
          ))}
        </select>
      </div>
      {command ? (
        <CommandForm command={command} busy={busy} onRun={(args) => onRun({ rpc: { name: command.name, args } })} />
      ) : (
        <Prompt busy={busy} onCommand={(text) => onRun({ command: text })} />
      )}
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

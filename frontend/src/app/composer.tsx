import { useEffect, useState } from 'preact/hooks';
import type { CommandInfo } from '../../../client/index.js';
import { CommandForm } from '../forms/command-form.js';
import { Prompt } from './prompt.js';

/** What to run: a shell command at the prompt, or a registered command through its form. */
export interface RunRequest {
  command?: string;
  rpc?: { name: string; args: unknown };
}

/** A request to put into the prompt or a form (Re-run); `nonce` tells two refills of the same request apart. */
export interface Refill {
  request: RunRequest;
  nonce: number;
}

/** What the composer shows and does. */
export interface ComposerProps {
  commands: CommandInfo[];
  /** Whether the key may run shell commands (the `exec` scope); without it only the forms are offered. */
  shell: boolean;
  busy: boolean;
  problem: string | undefined;
  onRun: (request: RunRequest) => void;
  refill?: Refill | undefined;
}

/** The prompt, or a registered command's form, picked from a list beside it; Re-run refills either. */
export function Composer({ commands, shell, busy, problem, onRun, refill }: ComposerProps) {
  const [chosen, setPicked] = useState('');
  const picked = shell || commands.some((candidate) => candidate.name === chosen) ? chosen : (commands[0]?.name ?? '');
  const command = commands.find((candidate) => candidate.name === picked);
  useEffect(() => {
    if (refill) setPicked(refill.request.rpc?.name ?? '');
  }, [refill?.nonce]);
  const fill = refill && (refill.request.rpc?.name ?? '') === picked ? refill : undefined;
  return (
    <div class="composer">
      <div class="picker">
        <label for="pick">Run</label>
        <select id="pick" value={picked} onChange={(event) => setPicked(event.currentTarget.value)}>
          {shell && <option value="">a shell command</option>}
          {commands.map((candidate) => (
            <option value={candidate.name}>{candidate.name}</option>
          ))}
        </select>
      </div>
      {command ? (
        <CommandForm command={command} busy={busy} fill={fill && { args: fill.request.rpc?.args, nonce: fill.nonce }} onRun={(args) => onRun({ rpc: { name: command.name, args } })} />
      ) : (
        shell && <Prompt busy={busy} fill={fill && { text: fill.request.command ?? '', nonce: fill.nonce }} onCommand={(text) => onRun({ command: text })} />
      )}
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

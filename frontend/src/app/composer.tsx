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
  busy: boolean;
  problem: string | undefined;
  onRun: (request: RunRequest) => void;
  refill?: Refill | undefined;
}

/** The prompt, or a registered command's form, picked from a list beside it; Re-run refills either. */
export function Composer({ commands, busy, problem, onRun, refill }: ComposerProps) {
  const [picked, setPicked] = useState('');
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
          <option value="">a shell command</option>
          {commands.map((candidate) => (
            <option value={candidate.name}>{candidate.name}</option>
          ))}
        </select>
      </div>
      {command ? (
        <CommandForm command={command} busy={busy} fill={fill && { args: fill.request.rpc?.args, nonce: fill.nonce }} onRun={(args) => onRun({ rpc: { name: command.name, args } })} />
      ) : (
        <Prompt busy={busy} fill={fill && { text: fill.request.command ?? '', nonce: fill.nonce }} onCommand={(text) => onRun({ command: text })} />
      )}
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

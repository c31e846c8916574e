import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeTo } from '../context.js';
import { UsageError } from '../errors.js';

/** A command as the completion scripts see it: its name, one line about it, its flags and its subcommands. */
interface CommandShape {
  name: string;
  about: string;
  flags: { long: string; short?: string; about: string }[];
  subcommands: CommandShape[];
}

/** Commands whose argument is a job uid: their completion offers the newest uids (`aws-exec ls -q`). */
const TAKES_UID = ['tail', 'cancel', 'show'];
const UIDS = 'aws-exec ls -q --limit 50 2>/dev/null';

/** `aws-exec completion bash|zsh|fish`: prints a script that completes subcommands, flags and job uids. */
export function addCompletionCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('completion')
    .summary('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Examples:
  $ source <(aws-exec completion bash)                     # this shell; add it to ~/.bashrc to keep it
  $ aws-exec completion zsh > "\${fpath[1]}/_aws-exec"      # zsh, then restart it
  $ aws-exec completion fish > ~/.config/fish/completions/aws-exec.fish`,
    )
    .action(async (shell: string) => {
      await run(async () => {
        const shape = describeCommand(program);
        const script = shell === 'bash' ? writeBash(shape) : shell === 'zsh' ? writeZsh(shape) : shell === 'fish' ? writeFish(shape) : undefined;
        if (script === undefined) throw new UsageError(`Expected a shell among bash, zsh and fish, got \`${shell}\``);
        await writeTo(context.stdout, script);
        return 0;
      });
    });
}

function describeCommand(command: Command): CommandShape {
  return {
    name: command.name(),
    about: command.summary() || command.description().split('\n')[0] || '',
    flags: [
      ...command.options.filter((option) => option.long !== undefined).map((option) => ({ long: option.long as string, ...(option.short ? { short: option.short } : {}), about: option.description })),
      { long: '--help', short: '-h', about: 'display help' },
    ],
    subcommands: command.commands.filter((sub) => sub.name() !== 'help').map(describeCommand),
  };
}

const words = (list: string[]) => list.join(' ');
const flagWords = (shape: CommandShape) => words(shape.flags.flatMap((flag) => [flag.long, ...(flag.short ? [flag.short] : [])]));

/** A bash function (`complete -F`) that finds the subcommand among the words typed so far and offers what fits after it. */
function writeBash(root: CommandShape): string {
  const cases = root.subcommands.map((command) => {
    const nested = command.subcommands.length === 0
      ? ''
      : `        if [[ -z $sub ]]; then words="${words(command.subcommands.map((sub) => sub.name))}"; else case "$sub" in\n${command.subcommands.map((sub) => `          ${sub.name}) words="${flagWords(sub)}" ;;`).join('\n')}\n        esac; fi\n`;
    const uids = TAKES_UID.includes(command.name) ? `        [[ $cur != -* ]] && words="$(command ${UIDS})"\n` : '';
    return `      ${command.name})\n        words="${flagWords(command)}"\n${nested}${uids}        ;;`;
  });
  return `# aws-exec completion for bash. Load it: source <(aws-exec completion bash)
_aws_exec() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" sub="" words="" i skip=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    local word="\${COMP_WORDS[i]}"
    if [[ -n $skip ]]; then skip=""; continue; fi
    case "$word" in
      --data-dir) skip=1 ;;
      -*) ;;
      *) if [[ -z $cmd ]]; then cmd="$word"; elif [[ -z $sub ]]; then sub="$word"; fi ;;
    esac
  done
  if [[ $COMP_CWORD -gt 1 && \${COMP_WORDS[COMP_CWORD-1]} == --data-dir ]]; then
    COMPREPLY=($(compgen -d -- "$cur"))
    return
  fi
  case "$cmd" in
    "") words="${words(root.subcommands.map((command) => command.name))} ${flagWords(root)}" ;;
${cases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _aws_exec aws-exec
`;
}

/** zsh runs the bash function through bashcompinit, zsh's own bridge for bash completions. */
function writeZsh(root: CommandShape): string {
  return `#compdef aws-exec
# aws-exec completion for zsh (through bashcompinit). Load it: source <(aws-exec completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${writeBash(root).split('\n').slice(1).join('\n')}`;
}

/** fish's own `complete` lines, with each subcommand's and flag's description. */
function writeFish(root: CommandShape): string {
  const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = ['# aws-exec completion for fish. Load it: aws-exec completion fish | source', 'complete -c aws-exec -f'];
  for (const flag of root.flags) lines.push(`complete -c aws-exec -n __fish_use_subcommand -l ${flag.long.slice(2)}${flag.short ? ` -s ${flag.short.slice(1)}` : ''} -d ${quote(flag.about)}`);
  for (const command of root.subcommands) {
    lines.push(`complete -c aws-exec -n __fish_use_subcommand -a ${command.name} -d ${quote(command.about)}`);
    const within = `'__fish_seen_subcommand_from ${command.name}'`;
    for (const flag of command.flags) lines.push(`complete -c aws-exec -n ${within} -l ${flag.long.slice(2)}${flag.short ? ` -s ${flag.short.slice(1)}` : ''} -d ${quote(flag.about)}`);
    if (TAKES_UID.includes(command.name)) lines.push(`complete -c aws-exec -n ${within} -a '(${UIDS})'`);
    const subs = command.subcommands.map((sub) => sub.name).join(' ');
    for (const sub of command.subcommands) lines.push(`complete -c aws-exec -n '__fish_seen_subcommand_from ${command.name}; and not __fish_seen_subcommand_from ${subs}' -a ${sub.name} -d ${quote(sub.about)}`);
  }
  return `${lines.join('\n')}\n`;
}

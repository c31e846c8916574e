#!/usr/bin/env node
// The `aws-exec` command. Everything it touches of the process is gathered here.
import { writeTo } from './context.js';
import { runCli } from './program.js';
import { registry } from '../cmd/index.js';

const status = await runCli(
  {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    registry,
    signals: process,
  },
  process.argv.slice(2),
);
// Wait until stdout and stderr have taken everything, then leave even if a command left timers or sockets behind.
await Promise.all([writeTo(process.stdout, ''), writeTo(process.stderr, '')]);
process.exit(status);

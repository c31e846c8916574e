import type { JobSummary } from '../../../client/index.js';

/** A job's command in one line: `bash -c` scripts as the script, argv joined, or the RPC's name. */
export function describeJob(job: Pick<JobSummary, 'argv' | 'rpc-name'>): string {
  const argv = job.argv ?? [];
  if (argv.length === 3 && argv[0] === 'bash' && argv[1] === '-c') return argv[2] ?? '';
  if (argv.length > 0) return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
  return job['rpc-name'] ? `rpc ${job['rpc-name']}` : '(unknown command)';
}

/** When a job started, epoch ms: from its record, else from its uid (unix seconds first). */
export function jobStartedAt(uid: string, job?: Pick<JobSummary, 'started-at'>): number {
  return job?.['started-at'] ?? Number(uid.split('.')[0]) * 1000;
}

// What this browser started, by uid: the API lists a job's argv or rpc-name but not its
// rpc-args, so the page keeps the arguments of the jobs it started itself, for their
// titles and Re-run. Jobs started elsewhere (the CLI, the SDK) show their command's name.

const KEY = 'aws-exec.requests';
const MAX_ENTRIES = 200;

/** A registered command's run as this page sent it. */
export interface RememberedRpc {
  name: string;
  args: unknown;
}

/** Remembers the arguments of an RPC job this page started (the newest MAX_ENTRIES are kept). */
export function rememberRpc(storage: Storage, uid: string, rpc: RememberedRpc): void {
  const entries = loadAll(storage).filter(([known]) => known !== uid);
  entries.push([uid, rpc]);
  storage.setItem(KEY, JSON.stringify(entries.slice(-MAX_ENTRIES)));
}

/** The arguments this page sent for a job, if it started it. */
export function recallRpc(storage: Storage, uid: string): RememberedRpc | undefined {
  return loadAll(storage).find(([known]) => known === uid)?.[1];
}

function loadAll(storage: Storage): [string, RememberedRpc][] {
  try {
    const value: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value.filter(
      (entry): entry is [string, RememberedRpc] => Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1]?.name === 'string',
    );
  } catch {
    return [];
  }
}

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { realpath } from 'node:fs/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { sep } from 'node:path';
import type { Reach } from './define.js';

// The reach of registered commands (see Reach in define.ts). A confined caller (a key
// without `exec`) may read files only under the directories the deployment lists
// (RPC_READ_PATHS), connect only to public internet addresses, and see only the
// environment variables the deployment lists (RPC_ENV) plus a few harmless ones: never
// the function's AWS credentials, whatever RPC_ENV says.

/** Raised when a confined command reaches for what its caller may not. */
export class ReachError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReachError';
  }
}

/** What a confined caller may reach, as the deployment configures it. */
export interface ReachLimits {
  /** Absolute directories whose contents a confined command may read. */
  readPaths: readonly string[];
  /** Environment variables a confined command may read (besides PATH, LANG, LC_ALL, TZ, TMPDIR). */
  envNames: readonly string[];
}

/** Variables every command may see: they locate programs and format text, and hold no secret. */
const BASE_ENV = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/** Whether an environment variable name may never be handed to a confined command (the function's credentials and settings). */
export function isWithheldEnvName(name: string): boolean {
  return name.startsWith('AWS_') || name === '_HANDLER' || name === '_X_AMZN_TRACE_ID';
}

/** Everything, as the CLI and jobs of keys with `exec` have it. */
export function createUnconfinedReach(env: Readonly<Record<string, string | undefined>> = process.env): Reach {
  return {
    unconfined: true,
    checkPath: async (path) => path,
    checkHost: () => undefined,
    lookup: dnsLookup as LookupFunction,
    env,
  };
}

/** The reach of a confined caller, from the deployment's limits and the function's environment. */
export function createConfinedReach(limits: ReachLimits, env: Readonly<Record<string, string | undefined>>): Reach {
  const names = [...BASE_ENV, ...limits.envNames].filter((name) => !isWithheldEnvName(name));
  const allowedEnv = Object.freeze(Object.fromEntries(names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]])));
  return {
    unconfined: false,
    checkPath: (path) => checkReadablePath(path, limits.readPaths),
    checkHost(host) {
      const bare = host.replace(/^\[|\]$/g, '');
      if (isIP(bare) !== 0 && !isPublicAddress(bare)) throw refuseAddress(host, bare);
    },
    lookup: checkedLookup,
    env: allowedEnv,
  };
}

async function checkReadablePath(path: string, roots: readonly string[]): Promise<string> {
  const refuse = () =>
    new ReachError(
      `A key without the exec scope may read only under ${roots.length > 0 ? roots.join(', ') : 'no directory'} (RPC_READ_PATHS), not \`${path}\``,
    );
  if (roots.length === 0) throw refuse();
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    // A path that does not resolve is refused unless it lies under a root as written (its error then comes from the command).
    if (!roots.some((root) => isUnder(path, root))) throw refuse();
    return path;
  }
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => root)));
  if (!realRoots.some((root) => isUnder(real, root))) throw refuse();
  return real;
}

function isUnder(path: string, root: string): boolean {
  const base = root.endsWith(sep) ? root : `${root}${sep}`;
  return path === root || path.startsWith(base);
}

/** Addresses that are not the public internet: loopback, private, link-local (cloud metadata), CGNAT, documentation, multicast, reserved. */
// Two lists: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too.
const blockListOf = (subnets: string[], type: 'ipv4' | 'ipv6') => {
  const list = new BlockList();
  for (const subnet of subnets) list.addSubnet(subnet.split('/')[0] as string, Number(subnet.split('/')[1]), type);
  return list;
};
const NON_PUBLIC_V4 = blockListOf(
  ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/3'],
  'ipv4',
);
// IPv4-mapped and NAT64 addresses are judged by the IPv4 they carry when written dotted, else refused.
const NON_PUBLIC_V6 = blockListOf(['::/127', '::ffff:0:0/96', '64:ff9b::/96', '100::/64', '2001:db8::/32', '2002::/16', 'fc00::/7', 'fe80::/10', 'ff00::/8'], 'ipv6');

/** Whether an IP address is on the public internet (IPv4 embedded in IPv6 is judged as IPv4). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC_V4.check(address, 'ipv4');
  if (family !== 6) return false;
  const embedded = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (embedded) return isPublicAddress(embedded[1] as string);
  return !NON_PUBLIC_V6.check(address, 'ipv6');
}

function refuseAddress(host: string, address: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new ReachError(
    `A key without the exec scope may connect only to public internet addresses; ${host === address ? address : `${host} resolves to ${address}, which`} is not one`,
  );
  error.code = 'EACCES';
  return error;
}

/** node:dns lookup, refusing when any address it found is not public (checked on the addresses the socket then uses: no rebinding). */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused) return callback(refuseAddress(hostname, refused.address), '', 0);
    if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    callback(null, first.address, first.family);
  });
};

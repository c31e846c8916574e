import { BlockList, isIP } from 'node:net';

// Which webhook URLs a job may name. http and https only (the schema checks that), and no
// host of the function's own network unless the deployment allows it: on Lambda, loopback
// reaches the runtime API (127.0.0.1:9001, AWS_LAMBDA_RUNTIME_API) and private addresses reach
// whatever the VPC holds, which a caller must not be able to make the backend POST to. The
// local runtime sets WEBHOOK_ALLOW_PRIVATE_HOSTS=true (its receivers are on 127.0.0.1). The
// check is of the URL's host as written (names `localhost`, IP literals); a public name that
// resolves to a private address is not caught here.

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::1', 128],
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** Why a webhook URL is refused (a message naming `field`), or undefined when it may be used. */
export function checkNotifyUrl(url: string, allowPrivateHosts: boolean, field = 'notify.url'): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `Expected ${field} to be an http(s) URL, got \`${url.slice(0, 200)}\``;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `Expected ${field} to be an http(s) URL, got a ${parsed.protocol} URL`;
  if (parsed.username !== '' || parsed.password !== '') return `Expected ${field} without credentials in it (user:password@); put them in the path or check the signature instead`;
  if (allowPrivateHosts) return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
    return `Expected ${field} to name a public host, got \`${parsed.hostname}\` (loopback, link-local and private addresses are refused unless WEBHOOK_ALLOW_PRIVATE_HOSTS=true)`;
  }
  return undefined;
}

function isPrivateAddress(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return PRIVATE.check(host, 'ipv4');
  if (family !== 6) return false;
  // An IPv4-mapped address (the URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped?.[1] && mapped[2]) {
    const high = parseInt(mapped[1], 16);
    const low = parseInt(mapped[2], 16);
    return PRIVATE.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
  }
  return PRIVATE.check(host, 'ipv6');
}

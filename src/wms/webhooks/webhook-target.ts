import { BlockList, isIP } from 'node:net';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Address ranges a webhook must not reach unless the operator allows private targets: a URL
 * registered by a site's WMS key must not turn DockProof into a probe of its own network or of
 * the cloud metadata service. First match names the reason.
 */
const REFUSED: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6', string]> = [
  ['169.254.169.254', 32, 'ipv4', 'a cloud metadata address'],
  ['100.100.100.200', 32, 'ipv4', 'a cloud metadata address'],
  ['fd00:ec2::254', 128, 'ipv6', 'a cloud metadata address'],
  ['0.0.0.0', 8, 'ipv4', 'an unspecified address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a shared (carrier-grade NAT) address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address'],
  ['192.0.0.0', 24, 'ipv4', 'a reserved address'],
  ['198.18.0.0', 15, 'ipv4', 'a reserved address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  // IPv4-compatible (deprecated) addresses; IPv4-mapped ones are matched by the IPv4 rules.
  ['::', 96, 'ipv6', 'a reserved address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['fc00::', 7, 'ipv6', 'a unique-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const RULES = REFUSED.map(([network, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, reason };
});

const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

// Names that mean this machine or the metadata service whatever DNS says; others are checked
// when they are resolved, at delivery time.
const REFUSED_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(.+\.)?localhost$/, 'a loopback address'],
  [
    /^(metadata\.google\.internal|metadata\.goog|instance-data(\.ec2\.internal)?)$/,
    'a cloud metadata address',
  ],
];

/** Why an IP address may not be a webhook target (`a loopback address`, …), or null. */
export function addressProblem(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, reason } of RULES) if (list.check(address, type)) return reason;
  if (type === 'ipv6' && NAT64.check(address, 'ipv6')) {
    return addressProblem(embeddedIpv4(address));
  }
  return null;
}

/**
 * Why a URL may not be registered, worded to follow the field name (`url: must …`), or null.
 * Host names are checked here only against names that are always local; their addresses are
 * checked at each delivery (see public-only-lookup.ts).
 */
export function webhookUrlProblem(value: string, allowPrivate: boolean): string | null {
  if (value.length > MAX_WEBHOOK_URL_LENGTH)
    return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  // The list of endpoints is shown to admins; the signature is what authenticates DockProof.
  if (url.username || url.password) return 'must not contain credentials';
  return allowPrivate ? null : hostProblem(url.hostname);
}

/** For a URL that parses: why its host may not be reached, or null (names pass). */
export function hostProblem(hostname: string): string | null {
  const host = hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  if (isIP(host)) {
    const reason = addressProblem(host);
    return reason ? `must not point to ${reason} (${host})` : null;
  }
  for (const [pattern, reason] of REFUSED_NAMES)
    if (pattern.test(host)) return `must not point to ${reason} (${host})`;
  return null;
}

/** The IPv4 address in the last 32 bits of an IPv6 address (NAT64 embeds one there). */
function embeddedIpv4(address: string): string {
  let text = address;
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail = ''] = text.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = [...groups(head), ...Array<string>(Math.max(missing, 0)).fill('0'), ...groups(tail)];
  const [high, low] = all.slice(6).map((group) => parseInt(group, 16));
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

import type { Principal } from './principal';

/**
 * Who may use which topic on the embedded broker (the generated Mosquitto ACL says the same):
 * a scanner publishes scans of its sites and reads their verdicts, a WMS key reads its sites' WMS
 * events, admin does anything. Everyone else, and any other topic, is refused.
 */
export function canPublish(principal: Principal, topic: string, prefix: string): boolean {
  if (principal.role === 'admin') return true;
  const site = siteOf(topic, prefix, ['docks', '*', 'scans']);
  return principal.role === 'scanner' && site !== null && principal.siteIds.includes(site);
}

export function canSubscribe(principal: Principal, filter: string, prefix: string): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role === 'scanner') {
    const site = siteOf(filter, prefix, ['docks', '*', 'verdicts']);
    return site !== null && principal.siteIds.includes(site);
  }
  if (principal.role === 'wms') {
    const site = siteOf(filter, prefix, ['wms', 'events']);
    return site !== null && principal.siteIds.includes(site);
  }
  return false;
}

/** The literal site of `{prefix}sites/{site}/<rest>`, where `*` in rest is one level (or `+`). */
function siteOf(topic: string, prefix: string, rest: string[]): string | null {
  if (!topic.startsWith(prefix)) return null;
  const [sites, site, ...tail] = topic.slice(prefix.length).split('/');
  if (sites !== 'sites' || !site || site === '+' || site === '#' || tail.length !== rest.length) {
    return null;
  }
  const matches = rest.every((want, i) =>
    want === '*' ? tail[i] !== '#' && tail[i] !== '' : tail[i] === want,
  );
  return matches ? site : null;
}

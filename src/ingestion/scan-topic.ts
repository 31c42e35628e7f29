export interface DockAddress {
  siteId: string;
  dockId: string;
}

const SEGMENT = /^[A-Za-z0-9._-]{1,64}$/;

/** `{prefix}sites/{siteId}/docks/{dockId}/scans` → the dock, or null when the topic is not one. */
export function parseScanTopic(topic: string, prefix: string): DockAddress | null {
  if (!topic.startsWith(prefix)) return null;
  const parts = topic.slice(prefix.length).split('/');
  if (parts.length !== 5 || parts[0] !== 'sites' || parts[2] !== 'docks' || parts[4] !== 'scans') {
    return null;
  }
  const [, siteId, , dockId] = parts;
  return SEGMENT.test(siteId) && SEGMENT.test(dockId) ? { siteId, dockId } : null;
}

export function scanTopicFilter(prefix: string): string {
  return `${prefix}sites/+/docks/+/scans`;
}

export function verdictTopic(prefix: string, dock: DockAddress): string {
  return `${prefix}sites/${dock.siteId}/docks/${dock.dockId}/verdicts`;
}

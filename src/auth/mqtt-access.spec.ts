import { canPublish, canSubscribe } from './mqtt-access';
import type { Principal } from './principal';

const key = (role: Principal['role'], siteIds: string[] = []): Principal => ({
  keyId: 'k',
  role,
  supplierId: role === 'supplier' ? 'SUP-1' : null,
  siteIds,
});
const scanner = key('scanner', ['AMS1']);
const wms = key('wms', ['AMS1']);

describe('MQTT access', () => {
  it.each([
    [scanner, 'p/sites/AMS1/docks/D1/scans', true],
    [scanner, 'p/sites/RTM2/docks/D1/scans', false],
    [scanner, 'p/sites/AMS1/docks/D1/verdicts', false],
    [scanner, 'sites/AMS1/docks/D1/scans', false],
    [wms, 'p/sites/AMS1/docks/D1/scans', false],
    [key('admin'), 'anything/at/all', true],
    [key('supervisor', ['AMS1']), 'p/sites/AMS1/docks/D1/scans', false],
  ])('publish %j %s → %s', (principal, topic, allowed) => {
    expect(canPublish(principal, topic, 'p/')).toBe(allowed);
  });

  it.each([
    [scanner, 'p/sites/AMS1/docks/D1/verdicts', true],
    [scanner, 'p/sites/AMS1/docks/+/verdicts', true],
    [scanner, 'p/sites/RTM2/docks/D1/verdicts', false],
    [scanner, 'p/sites/+/docks/+/verdicts', false],
    [scanner, 'p/sites/AMS1/docks/#', false],
    [scanner, 'p/sites/AMS1/wms/events', false],
    [wms, 'p/sites/AMS1/wms/events', true],
    [wms, 'p/sites/RTM2/wms/events', false],
    [wms, 'p/sites/AMS1/docks/D1/verdicts', false],
    [key('auditor'), 'p/sites/AMS1/wms/events', false],
    [key('admin'), '$share/g/p/sites/+/docks/+/scans', true],
  ])('subscribe %j %s → %s', (principal, filter, allowed) => {
    expect(canSubscribe(principal, filter, 'p/')).toBe(allowed);
  });
});

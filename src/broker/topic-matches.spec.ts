import { topicMatches } from './topic-matches';

describe('topicMatches', () => {
  it.each([
    ['sites/+/docks/+/scans', 'sites/AMS1/docks/D1/scans', true],
    ['p/sites/+/docks/+/scans', 'p/sites/AMS1/docks/D1/scans', true],
    ['sites/+/docks/+/scans', 'sites/AMS1/docks/D1/verdicts', false],
    ['sites/+/docks/+/scans', 'sites/AMS1/docks/D1/scans/extra', false],
    ['sites/+/docks/+/scans', 'sites/AMS1/docks/scans', false],
    ['sites/#', 'sites/AMS1/wms/events', true],
  ])('%s ~ %s → %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

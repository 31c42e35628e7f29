import { mosquittoPasswordHash } from './api-key-secret';
import {
  BrokerKey,
  mosquittoAclFile,
  mosquittoPasswordFile,
  topicRules,
} from './mosquitto-auth-files';
import type { Role } from './roles';

const HASH = mosquittoPasswordHash('dp_key_1_secret', Buffer.alloc(12, 7));

const key = (keyId: string, role: Role, siteIds: string[] = [], more: Partial<BrokerKey> = {}) => ({
  keyId,
  role,
  siteIds,
  mosquittoHash: HASH,
  revokedAt: null,
  ...more,
});

/** The file without its comment header and blank separators. */
const lines = (text: string) => text.split('\n').filter((line) => line && !line.startsWith('#'));

describe('mosquittoPasswordFile', () => {
  it.each<[string, boolean, BrokerKey]>([
    ['an active key', true, key('key_a', 'scanner', ['AMS1'])],
    ['the bootstrap admin', true, key('bootstrap-admin', 'admin')],
    ['a key with no topics', true, key('key_b', 'auditor')],
    ['a revoked key', false, key('key_c', 'scanner', ['AMS1'], { revokedAt: new Date() })],
    ['a key without a hash', false, key('key_d', 'wms', ['AMS1'], { mosquittoHash: null })],
    ['a hash with a colon', false, key('key_e', 'admin', [], { mosquittoHash: '$7$1$a:b' })],
    ['a key id with a colon', false, key('key:f', 'admin')],
    ['a key id with a space', false, key('key g', 'admin')],
  ])('%s → listed: %s', (_name, listed, brokerKey) => {
    const expected = listed ? [`${brokerKey.keyId}:${HASH}`] : [];
    expect(lines(mosquittoPasswordFile([brokerKey]))).toEqual(expected);
  });

  it('writes one line per key, sorted by key id, ending in a newline', () => {
    const text = mosquittoPasswordFile([key('key_b', 'admin'), key('key_a', 'wms', ['AMS1'])]);
    expect(text).toBe(`key_a:${HASH}\nkey_b:${HASH}\n`);
  });

  it('writes an empty file when no key may connect', () => {
    expect(mosquittoPasswordFile([])).toBe('');
  });
});

describe('topicRules', () => {
  it.each<[Role, string[], string[]]>([
    ['admin', [], ['topic readwrite #']],
    [
      'scanner',
      ['AMS1'],
      [
        'topic write p/sites/AMS1/docks/+/scans',
        'topic deny p/sites/AMS1/docks//scans',
        'topic read p/sites/AMS1/docks/+/verdicts',
      ],
    ],
    [
      'scanner',
      ['AMS1', 'RTM2'],
      [
        'topic write p/sites/AMS1/docks/+/scans',
        'topic deny p/sites/AMS1/docks//scans',
        'topic read p/sites/AMS1/docks/+/verdicts',
        'topic write p/sites/RTM2/docks/+/scans',
        'topic deny p/sites/RTM2/docks//scans',
        'topic read p/sites/RTM2/docks/+/verdicts',
      ],
    ],
    [
      'wms',
      ['AMS1', 'RTM2'],
      ['topic read p/sites/AMS1/wms/events', 'topic read p/sites/RTM2/wms/events'],
    ],
    ['scanner', [], []],
    ['wms', [], []],
    ['scanner', ['+', '#', 'A/B', 'A B', ''], []],
    ['supervisor', ['AMS1'], []],
    ['compliance', [], []],
    ['supplier', [], []],
    ['auditor', [], []],
    ['partner', [], []],
  ])('%s of %j → %j', (role, siteIds, expected) => {
    expect(topicRules({ role, siteIds }, 'p/')).toEqual(expected);
  });

  it('uses no prefix when there is none', () => {
    expect(topicRules({ role: 'wms', siteIds: ['AMS1'] }, '')).toEqual([
      'topic read sites/AMS1/wms/events',
    ]);
  });
});

describe('mosquittoAclFile', () => {
  it('gives each key with topics a user block, and nobody else anything', () => {
    const text = mosquittoAclFile(
      [
        key('key_s', 'scanner', ['AMS1']),
        key('bootstrap-admin', 'admin'),
        key('key_w', 'wms', ['AMS1']),
        key('key_r', 'wms', ['AMS1'], { revokedAt: new Date() }),
        key('key_n', 'wms', ['AMS1'], { mosquittoHash: null }),
        key('key_a', 'auditor'),
        key('key_v', 'supervisor', ['AMS1']),
      ],
      'p/',
    );
    expect(lines(text)).toEqual([
      'user bootstrap-admin',
      'topic readwrite #',
      'user key_s',
      'topic write p/sites/AMS1/docks/+/scans',
      'topic deny p/sites/AMS1/docks//scans',
      'topic read p/sites/AMS1/docks/+/verdicts',
      'user key_w',
      'topic read p/sites/AMS1/wms/events',
    ]);
  });

  it('puts no topic line before the first user line, where it would apply to anonymous clients', () => {
    const text = mosquittoAclFile([key('key_s', 'scanner', ['AMS1'])], '');
    expect(lines(text)[0]).toBe('user key_s');
  });

  it('writes only comments when no key has topics', () => {
    expect(lines(mosquittoAclFile([key('key_a', 'auditor')], 'p/'))).toEqual([]);
  });

  it.each(['p', 'p /', 'p/\ntopic readwrite #/', '+/', '#/', '/'])(
    'refuses the topic prefix %j',
    (prefix) => {
      expect(() => mosquittoAclFile([], prefix)).toThrow(/invalid MQTT topic prefix/);
    },
  );

  it.each(['', 'p/', 'test-7/', 'a.b/c_d/'])('accepts the topic prefix %j', (prefix) => {
    expect(() => mosquittoAclFile([], prefix)).not.toThrow();
  });
});

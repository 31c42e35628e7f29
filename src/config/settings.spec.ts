import { InvalidSettingsError, loadSettings } from './settings';

describe('loadSettings', () => {
  it('applies the defaults of PRODUCT.md when nothing is set', () => {
    expect(loadSettings({})).toMatchObject({
      PORT: 3000,
      MQTT_PORT: undefined,
      DATA_DIR: './.data',
      DATABASE_URL: undefined,
      MQTT_URL: undefined,
      SCAN_RETENTION_DAYS: undefined,
    });
  });

  it('reads SCAN_RETENTION_DAYS as a whole number of days', () => {
    expect(loadSettings({ SCAN_RETENTION_DAYS: '400' }).SCAN_RETENTION_DAYS).toBe(400);
  });

  it('keeps published outbox messages and finished webhook deliveries 30 days unless told', () => {
    expect(loadSettings({}).OUTBOX_RETENTION_DAYS).toBe(30);
    expect(loadSettings({ OUTBOX_RETENTION_DAYS: '7' }).OUTBOX_RETENTION_DAYS).toBe(7);
  });

  it('treats empty strings as unset', () => {
    expect(loadSettings({ DATABASE_URL: '', PORT: '' })).toMatchObject({
      PORT: 3000,
      DATABASE_URL: undefined,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['MQTT_PORT', '-1'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['MQTT_URL', 'http://localhost'],
    ['DOCKPROOF_ADMIN_KEY', 'short'],
    ['MQTT_TOPIC_PREFIX', 'no-trailing-slash'],
    ['SCAN_RETENTION_DAYS', '0'],
    ['SCAN_RETENTION_DAYS', '1.5'],
    ['SCAN_RETENTION_DAYS', 'a year'],
    ['OUTBOX_RETENTION_DAYS', '0'],
    ['OUTBOX_RETENTION_DAYS', '2.5'],
    ['OUTBOX_RETENTION_DAYS', 'forever'],
    ['OUTBOX_RETENTION_DAYS', '36501'],
  ])('refuses %s=%s with one message naming the setting', (name, value) => {
    expect(() => loadSettings({ [name]: value })).toThrow(InvalidSettingsError);
    expect(() => loadSettings({ [name]: value })).toThrow(new RegExp(`^Invalid setting ${name}=`));
  });

  it('names every bad setting in the one message', () => {
    expect(() => loadSettings({ PORT: 'x', MQTT_PORT: 'y' })).toThrow(/PORT="x".*MQTT_PORT="y"/);
  });
});

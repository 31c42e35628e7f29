import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docker-compose.yml runs mosquitto.compose.conf; the fault suite proves mosquitto.conf. They must
 * differ only in access: anonymous there, API keys (password and ACL files) here.
 */
const DIR = join(__dirname, '../../deploy/mosquitto');

/** `name value` lines in order, comments and blank lines dropped. */
function directives(file: string): string[] {
  return readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line && !line.startsWith('#'));
}

const AUTH = /^(allow_anonymous|password_file|acl_file) /;

describe('deploy/mosquitto', () => {
  const base = directives('mosquitto.conf');
  const compose = directives('mosquitto.compose.conf');

  it('the compose configuration has every other setting of mosquitto.conf, in the same order', () => {
    expect(compose.filter((d) => !AUTH.test(d))).toEqual(base.filter((d) => !AUTH.test(d)));
  });

  it('mosquitto.conf is open, the compose configuration admits API keys only', () => {
    expect(base.filter((d) => AUTH.test(d))).toEqual(['allow_anonymous true']);
    expect(compose.filter((d) => AUTH.test(d))).toEqual([
      'allow_anonymous false',
      'password_file /mosquitto/auth/passwords',
      'acl_file /mosquitto/auth/acl',
    ]);
  });

  it('the settings the service relies on are there (README "Running against your own broker")', () => {
    expect(base).toEqual(
      expect.arrayContaining([
        'persistence true',
        'max_queued_messages 200000',
        'set_tcp_nodelay true',
        'listener 1883',
      ]),
    );
  });

  it('run-mosquitto.sh starts the compose configuration and reloads the files it names', () => {
    const script = readFileSync(join(DIR, 'run-mosquitto.sh'), 'utf8');
    expect(script).toContain('\nauth=/mosquitto/auth\n');
    expect(script).toContain('\nconfig=/mosquitto/config/mosquitto.conf\n');
    expect(script).toContain('mosquitto -c "$config"');
    expect(script).toContain('kill -HUP "$broker"');
    expect(script).toContain('"$auth/passwords" "$auth/acl"');
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { BOOTSTRAP_ADMIN_KEY_ID } from '../auth/api-keys.service';
import { loadSettings } from '../config/settings';

/**
 * docker-compose.yml's facts, checked without Docker: dclint (`npm run lint:deploy`) checks the
 * schema and style, this what the services must agree on with each other and with DockProof.
 */
const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: string;
  pull_policy?: string;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  environment?: Record<string, string>;
  ports?: { target: number; published: string; host_ip: string }[];
  command?: string[];
  healthcheck?: { test: string[] };
  user?: string;
}

const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, Service>;
  volumes: Record<string, null>;
};
const { dockproof, mosquitto, postgres } = compose.services;
const writer = compose.services['mosquitto-auth'];
const ADMIN_KEY = 'a'.repeat(64);

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind, word) => {
    if (env[name]) return env[name];
    if (kind === '?') throw new Error(`${name} is required: ${word as string}`);
    return kind === '-' ? (word as string) : '';
  });
}

function environment(service: Service, env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v, env)]),
  );
}

/** Short-syntax volumes: `source:target[:mode]`. */
function mounts(service: Service): { source: string; target: string; mode?: string }[] {
  return (service.volumes ?? []).map((volume) => {
    const [source, target, mode] = volume.split(':');
    return { source, target, mode };
  });
}

const mountAt = (service: Service, target: string) =>
  mounts(service).find((m) => m.target === target);

const composeConf = read('deploy/mosquitto/mosquitto.compose.conf');
const confValue = (name: string) => new RegExp(`^${name} (\\S+)`, 'm').exec(composeConf)?.[1] ?? '';

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Mosquitto, the auth file writer and DockProof', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'dockproof',
      'mosquitto',
      'mosquitto-auth',
      'postgres',
    ]);
  });

  it('pins every pulled image to a major version and builds DockProof from the Dockerfile', () => {
    for (const service of [mosquitto, postgres]) {
      expect(service.build).toBeUndefined();
      expect(service.image).toMatch(/^[a-z0-9./-]+:\d+(\.\d+)*$/);
    }
    expect(postgres.image).toBe('postgres:15');
    expect(mosquitto.image).toMatch(/^eclipse-mosquitto:2(\.|$)/);
    for (const service of [dockproof, writer]) {
      expect(service).toMatchObject({ image: dockproof.image, build: '.', pull_policy: 'build' });
    }
  });

  it('gives DockProof settings it accepts, pointing at the compose services', () => {
    const env = environment(dockproof, { DOCKPROOF_ADMIN_KEY: ADMIN_KEY });
    expect(() => loadSettings(env)).not.toThrow();
    const database = new URL(env.DATABASE_URL);
    expect(database.hostname).toBe('postgres');
    expect(database.port).toBe('5432');
    expect(database.username).toBe(postgres.environment?.POSTGRES_USER);
    expect(database.password).toBe(postgres.environment?.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${postgres.environment?.POSTGRES_DB}`);
    const broker = new URL(env.MQTT_URL);
    expect(broker.hostname).toBe('mosquitto');
    expect(broker.port).toBe(confValue('listener'));
    // Connects as the bootstrap admin, the key the password file lists from DockProof's first start.
    expect(broker.username).toBe(BOOTSTRAP_ADMIN_KEY_ID);
    expect(broker.password).toBe(ADMIN_KEY);
    expect(env.DOCKPROOF_ADMIN_KEY).toBe(ADMIN_KEY);
    expect(env.DOCKPROOF_INSTANCE_ID).toMatch(/\S/);
  });

  it('refuses to start without DOCKPROOF_ADMIN_KEY', () => {
    expect(() => environment(dockproof, {})).toThrow(/DOCKPROOF_ADMIN_KEY is required/);
  });

  it('writes the password and ACL files from the same database where Mosquitto reads them', () => {
    const auth = dirname(confValue('password_file'));
    expect(dirname(confValue('acl_file'))).toBe(auth);
    expect(environment(writer, {}).DATABASE_URL).toBe(
      environment(dockproof, { DOCKPROOF_ADMIN_KEY: ADMIN_KEY }).DATABASE_URL,
    );
    expect(writer.command?.join(' ')).toContain(`node dist/src/cli/mosquitto-auth.js ${auth} `);
    const shared = mountAt(writer, auth);
    expect(shared).toBeDefined();
    expect(mountAt(mosquitto, auth)).toEqual(shared);
    expect(compose.volumes).toHaveProperty(shared!.source);
    // The eclipse-mosquitto image's mosquitto user, who must own the 0600 password file.
    expect(writer.user).toBe('1883:1883');
    expect(writer.healthcheck?.test).toEqual(['CMD', 'test', '-s', confValue('password_file')]);
  });

  it('mounts the broker configuration and its reload wrapper read-only', () => {
    const conf = mountAt(mosquitto, '/mosquitto/config/mosquitto.conf');
    expect(conf).toEqual({
      source: './deploy/mosquitto/mosquitto.compose.conf',
      target: '/mosquitto/config/mosquitto.conf',
      mode: 'ro',
    });
    const script = mounts(mosquitto).find((m) => m.source.endsWith('/run-mosquitto.sh'));
    expect(script?.mode).toBe('ro');
    expect(mosquitto.command).toEqual(['sh', script!.target]);
    for (const { source } of mounts(mosquitto).filter((m) => m.source.startsWith('./'))) {
      expect(existsSync(join(ROOT, source))).toBe(true);
    }
  });

  it('keeps the state of every service on a named volume', () => {
    const persistence = confValue('persistence_location').replace(/\/$/, '');
    const dataDir = environment(dockproof, { DOCKPROOF_ADMIN_KEY: ADMIN_KEY }).DATA_DIR;
    const state = [
      mountAt(postgres, '/var/lib/postgresql/data'),
      mountAt(mosquitto, persistence),
      mountAt(dockproof, dataDir),
    ];
    for (const mount of state) {
      expect(mount).toBeDefined();
      expect(compose.volumes).toHaveProperty(mount!.source);
    }
    const used = Object.values(compose.services)
      .flatMap(mounts)
      .filter((m) => !m.source.startsWith('.') && !m.source.startsWith('/'))
      .map((m) => m.source);
    expect([...new Set(used)].sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  it('starts DockProof once PostgreSQL is healthy, and only on services that have a healthcheck', () => {
    expect(dockproof.depends_on).toEqual({
      mosquitto: { condition: 'service_started' },
      postgres: { condition: 'service_healthy' },
    });
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    for (const service of Object.values(compose.services)) {
      for (const [name, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services).toHaveProperty(name);
        if (condition === 'service_healthy')
          expect(compose.services[name].healthcheck).toBeDefined();
      }
    }
  });

  it('publishes HTTP and MQTT on loopback unless DOCKPROOF_BIND_ADDRESS says otherwise', () => {
    const published = [...(dockproof.ports ?? []), ...(mosquitto.ports ?? [])];
    expect(published.map((p) => p.target)).toEqual([3000, Number(confValue('listener'))]);
    for (const port of published) {
      expect(interpolate(port.host_ip, {})).toBe('127.0.0.1');
      expect(interpolate(port.host_ip, { DOCKPROOF_BIND_ADDRESS: '0.0.0.0' })).toBe('0.0.0.0');
    }
    expect(environment(dockproof, { DOCKPROOF_ADMIN_KEY: ADMIN_KEY }).PORT).toBe('3000');
  });
});

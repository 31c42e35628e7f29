import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * No Docker engine runs in CI, so the Dockerfile's facts are checked here instead: a multi-stage
 * build with CI's own steps, a non-root run stage with a readiness healthcheck, and everything the
 * built app needs copied from a build context that has it.
 */
const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
function instructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return logical.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

function stages(text: string): Stage[] {
  const result: Stage[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      result.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      if (!result.length) throw new Error(`${instruction.keyword} before the first FROM`);
      result[result.length - 1].instructions.push(instruction);
    }
  }
  return result;
}

const all = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword);

/** COPY's sources and destination, its `--from` stage if any. */
function copies(stage: Stage): { from?: string; sources: string[]; destination: string }[] {
  return all(stage, 'COPY').map(({ args }) => {
    const words = args.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] };
  });
}

/** Paths under /app a stage has copied in (destinations relative to WORKDIR /app). */
function copiedPaths(stage: Stage): string[] {
  return copies(stage).flatMap(({ sources, destination }) =>
    destination.endsWith('/') && destination !== './'
      ? [destination.replace(/^\.\//, '').replace(/\/$/, '')]
      : destination === './'
        ? sources.map((s) => s.replace(/^\/app\//, ''))
        : [destination.replace(/^\.\//, '')],
  );
}

/** Folders tsconfig.build.json compiles that are not the service, so not in the image. */
const TOOLS: Record<string, string> = {
  scripts: 'developer tools: `npm run demo` runs them from source with ts-node',
};

const dockerfile = stages(read('Dockerfile'));
const build = dockerfile[0];
const run = dockerfile[dockerfile.length - 1];
const packageJson = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

describe('Dockerfile', () => {
  it('builds in one stage and runs from another that takes only the build from it', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBeDefined();
    const fromOtherStages = copies(run).filter((c) => c.from);
    expect(fromOtherStages.map((c) => c.from)).toEqual(fromOtherStages.map(() => build.name));
    expect(fromOtherStages.flatMap((c) => c.sources).sort()).toEqual([
      '/app/dist',
      '/app/node_modules',
    ]);
  });

  it('uses a Node image of a pinned major that package.json engines allow', () => {
    const minimum = Number(/>=\s*(\d+)/.exec(packageJson.engines.node)?.[1]);
    for (const stage of dockerfile) {
      const major = /^node:(\d+)[-.]/.exec(stage.from)?.[1];
      expect(major).toBeDefined();
      expect(Number(major)).toBeGreaterThanOrEqual(minimum);
    }
  });

  it('builds with the steps CI runs: npm ci, npm run build (nest build), npm prune --omit=dev', () => {
    const runs = all(build, 'RUN').map((i) => i.args);
    const ci = /^log "install"\s*\n?\s*(npm ci[^|]*?)\s*\|\|/m.exec(read('.ci/run'))?.[1];
    expect(ci).toBeDefined();
    expect(runs).toContain(ci);
    expect(runs).toContain('npm run build');
    expect(packageJson.scripts.build).toBe('nest build');
    // `npm test`, which CI runs, builds the same way first.
    expect(packageJson.scripts.pretest).toContain('nest build');
    expect(runs).toContain('npm prune --omit=dev');
    expect(runs.indexOf('npm prune --omit=dev')).toBeGreaterThan(runs.indexOf('npm run build'));
  });

  it('copies into the build every folder of the service that tsconfig.build.json compiles', () => {
    const include = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    const roots = include.map((pattern) => pattern.split('/')[0]);
    const service = roots.filter((root) => hasTypeScript(join(ROOT, root)) && !TOOLS[root]);
    expect(service).toEqual(expect.arrayContaining(['src', 'migrations']));
    expect(copiedPaths(build)).toEqual(expect.arrayContaining(service));
    expect(copiedPaths(build)).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json']),
    );
    expect(copiedPaths(build)).toEqual(
      expect.arrayContaining(['tsconfig.build.json', 'nest-cli.json']),
    );
    // Left out of the image, so the service must not import them.
    for (const root of service) {
      for (const tool of Object.keys(TOOLS)) expect(importsOf(root)).not.toContain(tool);
    }
  });

  it('copies only paths that exist and that .dockerignore leaves in the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    // Plain names only, so that this check matches what Docker excludes.
    for (const pattern of ignored) expect(pattern).toMatch(/^[\w.-]+$/);
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.env']));
    const sources = dockerfile.flatMap((stage) =>
      copies(stage)
        .filter((c) => !c.from)
        .flatMap((c) => c.sources),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(ignored).not.toContain(source.split('/')[0]);
    }
  });

  it('has at run time what the app reads: dist (with its console files), node_modules, package.json', () => {
    expect(copiedPaths(run)).toEqual(
      expect.arrayContaining(['node_modules', 'dist', 'package.json']),
    );
    // The console's static files are nest build assets, so they are inside dist.
    const nestCli = JSON.parse(read('nest-cli.json')) as {
      compilerOptions: { assets: { include: string; outDir: string }[] };
    };
    for (const asset of nestCli.compilerOptions.assets) expect(asset.outDir).toMatch(/^dist\//);
    // Files the code reads beside itself (`join(__dirname, …)`) must be such assets, or dist lacks them.
    const readBesideCode = filesReadBesideCode();
    expect(readBesideCode).toContain('console/public');
    for (const read of readBesideCode) {
      expect(nestCli.compilerOptions.assets.map((a) => a.include)).toContainEqual(
        expect.stringMatching(new RegExp(`^${read}/`)),
      );
    }
    // What the container starts is what `npm start` starts; the compose file runs this CLI.
    const cmd = JSON.parse(all(run, 'CMD')[0].args) as string[];
    expect(cmd.join(' ')).toBe(packageJson.scripts.start);
    expect(packageJson.scripts['mosquitto:auth']).toBe('node dist/src/cli/mosquitto-auth.js');
    expect(existsSync(join(ROOT, 'src/cli/mosquitto-auth.ts'))).toBe(true);
  });

  it('runs as a non-root user that owns its DATA_DIR', () => {
    const users = all(run, 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1];
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const dataDir = /DATA_DIR=(\S+)/.exec(
      all(run, 'ENV')
        .map((i) => i.args)
        .join(' '),
    )?.[1];
    expect(dataDir).toBeDefined();
    expect(all(run, 'RUN').map((i) => i.args)).toContain(
      `mkdir -p ${dataDir} && chown ${user}:${user} ${dataDir}`,
    );
    const order = run.instructions.map((i) => i.keyword);
    expect(order.lastIndexOf('USER')).toBeLessThan(order.indexOf('CMD'));
  });

  it('has a healthcheck on the readiness endpoint', () => {
    const [healthcheck] = all(run, 'HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    const route = /@Controller\('([^']+)'\)/.exec(read('src/health/health.controller.ts'))?.[1];
    expect(healthcheck.args).toMatch(/ CMD /);
    expect(healthcheck.args).toContain(`/${route}'`);
    expect(healthcheck.args).toContain('process.env.PORT||3000');
  });
});

function hasTypeScript(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.ts'));
}

/** `<folder>/<name>` (relative to src) of every `join(__dirname, '<name>')` outside the specs. */
function filesReadBesideCode(): string[] {
  const src = join(ROOT, 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .flatMap((file) =>
      [...readFileSync(join(src, file), 'utf8').matchAll(/join\(__dirname, '([^']+)'\)/g)].map(
        (match) => join(dirname(file), match[1]),
      ),
    );
}

/** The top-level folders that a folder's TypeScript imports from by relative path. */
function importsOf(root: string): string[] {
  const dir = join(ROOT, root);
  const folders = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(/from '(\.{1,2}\/[^']*)'/g)) {
      const target = relative(ROOT, join(dir, dirname(file), match[1]));
      folders.add(target.split(sep)[0]);
    }
  }
  return [...folders];
}

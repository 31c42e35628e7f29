import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signCertificate } from '../certificates/certificate-signature';

/**
 * A supplier integrator's tool: make an Ed25519 key pair, sign a certificate, upload it.
 * `node dist/src/cli/supplier.js keygen|sign|upload …`; exits 0 on success, 1 on failure,
 * 2 on a usage error.
 */
const USAGE = `usage:
  supplier keygen --out <dir>
  supplier sign --key private.pem --in certificate.json --out signed.json
  supplier upload --file signed.json --url http://host:3000 --key <api key>`;

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

type Options = Record<string, string | undefined>;

function options(args: string[], names: string[]): Options {
  const { values } = parseArgs({
    args,
    options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
  });
  const missing = names.filter((name) => !values[name]);
  if (missing.length) throw new UsageError(`missing --${missing.join(', --')}`);
  return values as Options;
}

/** Writes private.pem (0600, never over an existing key) and public.pem; prints the public key. */
function keygen(opts: Options): number {
  const dir = opts.out!;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(join(dir, 'public.pem'), publicPem, { mode: 0o644 });
  process.stdout.write(publicPem);
  return EXIT.ok;
}

function sign(opts: Options): number {
  const privateKey = createPrivateKey(readFileSync(opts.key!));
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`${opts.key} is not an Ed25519 private key`);
  const certificate = JSON.parse(readFileSync(opts.in!, 'utf8')) as unknown;
  const signature = signCertificate(certificate, privateKey);
  writeFileSync(opts.out!, `${JSON.stringify({ certificate, signature }, null, 2)}\n`);
  process.stdout.write(`signed ${opts.in} into ${opts.out}\n`);
  return EXIT.ok;
}

async function upload(opts: Options): Promise<number> {
  const res = await fetch(new URL('/api/v1/certificates', opts.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.key}`, 'content-type': 'application/json' },
    body: readFileSync(opts.file!),
  });
  process.stdout.write(`${res.status} ${await res.text()}\n`);
  return res.status === 200 || res.status === 201 ? EXIT.ok : EXIT.failed;
}

export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'keygen') return keygen(options(rest, ['out']));
    if (command === 'sign') return sign(options(rest, ['key', 'in', 'out']));
    if (command === 'upload') return await upload(options(rest, ['file', 'url', 'key']));
    throw new UsageError(command ? `unknown command ${command}` : 'no command');
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
    return usage ? EXIT.usage : EXIT.failed;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

import { publicOnlyLookup, RefusedTargetError } from './public-only-lookup';
import { addressProblem, webhookUrlProblem } from './webhook-target';

describe('webhookUrlProblem', () => {
  it.each([
    'https://wms.example.com/hooks/dockproof',
    'http://wms.example.com:8080/in?site=AMS1',
    'https://8.8.8.8/hook',
    'https://[2001:4860:4860::8888]/hook',
    'https://172.32.0.1/',
    'https://100.128.0.1/',
  ])('accepts %s', (url) => {
    expect(webhookUrlProblem(url, false)).toBeNull();
  });

  it.each([
    ['not a url', 'must be an absolute http or https URL'],
    ['/relative/path', 'must be an absolute http or https URL'],
    ['ftp://wms.example.com/', 'must be an http or https URL'],
    ['file:///etc/passwd', 'must be an http or https URL'],
    ['javascript:alert(1)', 'must be an http or https URL'],
    ['https://user:pw@wms.example.com/', 'must not contain credentials'],
    ['http://127.0.0.1:8080/', 'must not point to a loopback address (127.0.0.1)'],
    ['http://127.1.2.3/', 'must not point to a loopback address (127.1.2.3)'],
    ['http://2130706433/', 'must not point to a loopback address (127.0.0.1)'],
    ['http://0x7f.1/', 'must not point to a loopback address (127.0.0.1)'],
    ['http://localhost:3000/', 'must not point to a loopback address (localhost)'],
    ['http://api.localhost./', 'must not point to a loopback address (api.localhost)'],
    ['http://[::1]/', 'must not point to a loopback address (::1)'],
    ['http://[::ffff:127.0.0.1]/', 'must not point to a loopback address (::ffff:7f00:1)'],
    ['http://0.0.0.0/', 'must not point to an unspecified address (0.0.0.0)'],
    ['http://[::]/', 'must not point to an unspecified address (::)'],
    ['http://10.1.2.3/', 'must not point to a private address (10.1.2.3)'],
    ['http://172.16.0.1/', 'must not point to a private address (172.16.0.1)'],
    ['http://172.31.255.255/', 'must not point to a private address (172.31.255.255)'],
    ['http://192.168.1.10/', 'must not point to a private address (192.168.1.10)'],
    ['http://[fd12:3456::1]/', 'must not point to a unique-local address (fd12:3456::1)'],
    ['http://[fe80::1]/', 'must not point to a link-local address (fe80::1)'],
    ['http://169.254.10.10/', 'must not point to a link-local address (169.254.10.10)'],
    [
      'http://169.254.169.254/latest/',
      'must not point to a cloud metadata address (169.254.169.254)',
    ],
    ['http://[fd00:ec2::254]/', 'must not point to a cloud metadata address (fd00:ec2::254)'],
    [
      'http://metadata.google.internal/',
      'must not point to a cloud metadata address (metadata.google.internal)',
    ],
    ['http://[64:ff9b::7f00:1]/', 'must not point to a loopback address (64:ff9b::7f00:1)'],
    ['http://224.0.0.1/', 'must not point to a multicast address (224.0.0.1)'],
    [`https://x.example.com/${'a'.repeat(2048)}`, 'must be at most 2048 characters'],
  ])('refuses %s: %s', (url, problem) => {
    expect(webhookUrlProblem(url, false)).toBe(problem);
  });

  it('lets an operator allow private targets, but only over http or https', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/', true)).toBeNull();
    expect(webhookUrlProblem('http://10.1.2.3/', true)).toBeNull();
    expect(webhookUrlProblem('ftp://127.0.0.1/', true)).toBe('must be an http or https URL');
  });
});

describe('addressProblem', () => {
  it.each([
    ['8.8.8.8', null],
    ['2001:4860:4860::8888', null],
    ['64:ff9b::808:808', null],
    ['64:ff9b::1', 'an unspecified address'],
    ['::ffff:10.0.0.1', 'a private address'],
    ['::127.0.0.1', 'a reserved address'],
    ['255.255.255.255', 'a reserved address'],
    ['not an ip', 'not an IP address'],
  ])('%s → %s', (address, problem) => {
    expect(addressProblem(address)).toBe(problem);
  });
});

describe('publicOnlyLookup', () => {
  const resolve = (hostname: string, all: boolean) =>
    new Promise<unknown>((done, fail) =>
      publicOnlyLookup(hostname, { all }, (error, address) =>
        error ? fail(error) : done(address),
      ),
    );

  it.each([false, true])('refuses a name that resolves to loopback (all: %s)', async (all) => {
    const refused = resolve('localhost', all);
    await expect(refused).rejects.toBeInstanceOf(RefusedTargetError);
    await expect(refused).rejects.toThrow(
      /^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/,
    );
  });
});

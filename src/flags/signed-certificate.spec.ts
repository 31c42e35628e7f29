import { generateKeyPairSync } from 'node:crypto';
import { sha256Hex, signCertificate, signedBytes } from '../certificates/certificate-signature';
import type { StoredCertificate } from './flag-evidence.repository';
import { issuedAtForms, rebuildSignedCertificate } from './signed-certificate';

const NOW = new Date('2026-12-01T12:00:00.000Z');

function keys() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The row DockProof would have stored for an upload of `certificate`. */
function stored(
  certificate: Record<string, unknown>,
  signer = keys(),
  overrides: Partial<StoredCertificate> = {},
): StoredCertificate {
  const issuedAt = certificate.issuedAt as string | undefined;
  return {
    certificateId: certificate.certificateId as string,
    supplierId: 'SUP-1',
    gtin: '09506000134352',
    lot: 'L1',
    countryOfOrigin: null,
    manufacturedOn: null,
    expiresOn: '2028-12-31',
    quantity: null,
    issuedAtUtc: issuedAt ? new Date(issuedAt).toISOString().replace('Z', '000') : null,
    listsSerials: true,
    canonicalSha256: sha256Hex(signedBytes(certificate)),
    signature: signCertificate(certificate, signer.privateKey),
    uploadedBy: 'key_1',
    uploadedAt: '2026-11-01T00:00:00.000Z',
    revokedAt: null,
    revokedReason: null,
    supplierName: 'Supplier',
    publicKey: signer.pem,
    serials: ((certificate.serials as string[] | undefined) ?? []).slice().reverse(),
    serialRanges: [],
    ...overrides,
  };
}

const base = {
  certificateId: 'C-1',
  supplierId: 'SUP-1',
  gtin: '09506000134352',
  lot: 'L1',
  expiresOn: '2028-12-31',
  serials: ['A1', 'A2', 'B1'],
};

describe('issuedAtForms', () => {
  it.each([
    [null, [undefined]],
    [
      '2026-10-02T08:00:00.000000',
      [
        '2026-10-02T08:00:00.000Z',
        '2026-10-02T08:00:00.000+00:00',
        '2026-10-02T08:00:00Z',
        '2026-10-02T08:00:00+00:00',
        '2026-10-02T08:00:00.000000Z',
        '2026-10-02T08:00:00.000000+00:00',
      ],
    ],
    [
      '2026-10-02T08:00:00.120000',
      [
        '2026-10-02T08:00:00.120Z',
        '2026-10-02T08:00:00.120+00:00',
        '2026-10-02T08:00:00.12Z',
        '2026-10-02T08:00:00.12+00:00',
        '2026-10-02T08:00:00.120000Z',
        '2026-10-02T08:00:00.120000+00:00',
      ],
    ],
    [
      '2026-10-02T08:00:00.123456',
      ['2026-10-02T08:00:00.123456Z', '2026-10-02T08:00:00.123456+00:00'],
    ],
  ])('%s → %j', (utc, forms) => {
    expect(issuedAtForms(utc)).toEqual(forms);
  });
});

describe('rebuildSignedCertificate', () => {
  it.each(['2026-10-02T08:00:00.000Z', '2026-10-02T08:00:00Z', undefined])(
    'gives back the certificate as signed (issuedAt %s), its serials in any stored order',
    (issuedAt) => {
      const certificate = { ...base, ...(issuedAt && { issuedAt }) };
      const rebuilt = rebuildSignedCertificate(stored(certificate), NOW);
      expect(rebuilt.certificate).toEqual(certificate);
      expect(rebuilt.signatureCheck).toEqual({
        valid: true,
        algorithm: 'Ed25519',
        signedBytes: 'RFC 8785 canonical JSON of certificate, UTF-8',
        canonicalSha256: sha256Hex(signedBytes(certificate)),
        matchesUploadedSha256: true,
        checkedAt: NOW.toISOString(),
      });
    },
  );

  it('fails the check when the supplier key registered now is another', () => {
    const row = stored(base, keys(), { publicKey: keys().pem });
    expect(rebuildSignedCertificate(row, NOW).signatureCheck).toMatchObject({
      valid: false,
      matchesUploadedSha256: true,
      note: expect.stringMatching(/key was changed/),
    });
  });

  it('fails the check when a stored field was altered', () => {
    const row = { ...stored(base), lot: 'L2' };
    expect(rebuildSignedCertificate(row, NOW).signatureCheck).toMatchObject({
      valid: false,
      matchesUploadedSha256: false,
      note: expect.stringMatching(/altered/),
    });
  });

  it('says so when the supplier signed its serials out of order, which storage does not keep', () => {
    const unsorted = { ...base, serials: ['B1', 'A1', 'A2'] };
    expect(rebuildSignedCertificate(stored(unsorted), NOW).signatureCheck).toMatchObject({
      valid: false,
      matchesUploadedSha256: false,
      note: expect.stringMatching(/serials out of order/),
    });
  });

  it('fails the check when the supplier is no longer registered', () => {
    const row = stored(base, keys(), { publicKey: null });
    expect(rebuildSignedCertificate(row, NOW).signatureCheck).toMatchObject({
      valid: false,
      note: 'supplier SUP-1 is no longer registered',
    });
  });
});

import { generateKeyPairSync, KeyObject } from 'node:crypto';
import request from 'supertest';
import { signCertificate } from '../../src/certificates/certificate-signature';
import { issueKey } from './api-keys';
import type { TestApp } from './test-app';

export interface SupplierKeys {
  privateKey: KeyObject;
  /** SPKI PEM, as POST /api/v1/suppliers takes it. */
  publicKeyPem: string;
}

export function supplierKeys(): SupplierKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export type TestCertificate = Record<string, unknown> & {
  certificateId: string;
  supplierId: string;
};

export function certificate(
  overrides: Partial<TestCertificate> & { supplierId: string },
): TestCertificate {
  return {
    certificateId: `CERT-${Math.random().toString(36).slice(2, 10)}`,
    gtin: '09506000134352',
    lot: 'ABC123',
    countryOfOrigin: 'VN',
    manufacturedOn: '2026-10-01',
    expiresOn: '2028-12-31',
    quantity: 100,
    serials: ['SN0001', 'SN0002'],
    serialRanges: [{ prefix: 'SN', start: 100, end: 199, width: 4 }],
    issuedAt: '2026-10-02T08:00:00Z',
    ...overrides,
  };
}

/** The upload body: the certificate and its base64 Ed25519 signature. */
export function signed(
  cert: TestCertificate,
  keys: SupplierKeys,
): { certificate: TestCertificate; signature: string } {
  return { certificate: cert, signature: signCertificate(cert, keys.privateKey) };
}

/** Registers a supplier with a fresh key pair through the API, and issues it a supplier key. */
export async function registerSupplier(
  app: TestApp,
  supplierId: string,
): Promise<SupplierKeys & { apiKey: string }> {
  const keys = supplierKeys();
  await request(app.http)
    .post('/api/v1/suppliers')
    .auth(app.adminKey, { type: 'bearer' })
    .send({
      supplierId,
      name: `Supplier ${supplierId}`,
      country: 'VN',
      publicKey: keys.publicKeyPem,
    })
    .expect(201);
  const apiKey = await issueKey(app.url, app.adminKey, { role: 'supplier', supplierId });
  return { ...keys, apiKey };
}

/** Signs the certificate with the supplier's key and uploads it with the supplier's API key. */
export async function uploadCertificate(
  app: TestApp,
  supplier: SupplierKeys & { apiKey: string },
  cert: TestCertificate,
): Promise<void> {
  await request(app.http)
    .post('/api/v1/certificates')
    .auth(supplier.apiKey, { type: 'bearer' })
    .send(signed(cert, supplier))
    .expect(201);
}

/** The sites most tests scan at: Amsterdam (NL) and Brussels (BE). */
export async function createSites(
  app: TestApp,
  sites = [
    { siteId: 'AMS1', name: 'Amsterdam', country: 'NL' },
    { siteId: 'BRU1', name: 'Brussels', country: 'BE' },
  ],
): Promise<void> {
  for (const site of sites)
    await request(app.http)
      .post('/api/v1/sites')
      .auth(app.adminKey, { type: 'bearer' })
      .send(site)
      .expect(201);
}

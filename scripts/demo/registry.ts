import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { signCertificate } from '../../src/certificates/certificate-signature';
import { withCheckDigit } from '../../src/gs1/check-digit';
import type { ServiceApi } from '../support/service-api';

/** GS1's example company prefix, so no real product's barcode is borrowed. */
export const HEADPHONES = withCheckDigit('0950600013435');
export const SPEAKERS = withCheckDigit('0950600013437');
export const RIGHT_ID = 'TM-NORDSOUND-EU';

export const SITES = [
  { siteId: 'AMS1', name: 'Amsterdam distribution centre', country: 'NL', docks: ['D1', 'D2'] },
  { siteId: 'HAM1', name: 'Hamburg distribution centre', country: 'DE', docks: ['D1', 'D2'] },
] as const;

export const SUPPLIERS = {
  saigon: { supplierId: 'SUP-SAIGON', name: 'Saigon Audio Works', country: 'VN' },
  gdansk: { supplierId: 'SUP-GDANSK', name: 'Gdansk Acoustics', country: 'PL' },
} as const;
export type SupplierName = keyof typeof SUPPLIERS;

/** Batch certificates: one lot each, its serials as a range. */
export const CERTIFICATES = {
  headphones: { supplier: 'saigon', gtin: HEADPHONES, lot: 'H2611A', prefix: 'HP', end: 200 },
  speakers: { supplier: 'gdansk', gtin: SPEAKERS, lot: 'S2610B', prefix: 'SP', end: 100 },
  stolenLabels: { supplier: 'gdansk', gtin: SPEAKERS, lot: 'S2609R', prefix: 'SR', end: 50 },
} as const;
export type CertificateName = keyof typeof CERTIFICATES;

export interface Keys {
  admin: string;
  suppliers: Record<SupplierName, string>;
  scanners: Record<string, string>;
  supervisor: string;
  wms: string;
  auditor: string;
}

export const certificateId = (name: CertificateName) =>
  `CERT-${CERTIFICATES[name].supplier.toUpperCase()}-${CERTIFICATES[name].lot}`;

const day = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Sites, suppliers with their keys, and the API keys of everyone who takes part. */
export async function loadParties(
  api: ServiceApi,
  admin: string,
): Promise<{ keys: Keys; signing: Record<SupplierName, KeyObject> }> {
  for (const { docks: _docks, ...site } of SITES) await api.post('/sites', admin, site);
  const issue = async (body: Record<string, unknown>) =>
    (await api.post<{ apiKey: string }>('/api-keys', admin, body)).apiKey;
  const signing = {} as Record<SupplierName, KeyObject>;
  const suppliers = {} as Record<SupplierName, string>;
  for (const [name, supplier] of Object.entries(SUPPLIERS) as Array<[SupplierName, Supplier]>) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await api.post('/suppliers', admin, { ...supplier, publicKey: publicKeyPem });
    signing[name] = privateKey;
    const label = `${supplier.name} supplier portal`;
    suppliers[name] = await issue({ role: 'supplier', supplierId: supplier.supplierId, label });
  }
  const siteIds = SITES.map((s) => s.siteId);
  const scanners: Record<string, string> = {};
  for (const siteId of siteIds)
    scanners[siteId] = await issue({
      role: 'scanner',
      siteIds: [siteId],
      label: `${siteId} docks`,
    });
  const supervisor = await issue({ role: 'supervisor', siteIds, label: 'Dock supervisor' });
  const wms = await issue({ role: 'wms', siteIds, label: 'Warehouse management system' });
  const auditor = await issue({ role: 'auditor', label: 'External auditor' });
  return { keys: { admin, suppliers, scanners, supervisor, wms, auditor }, signing };
}
type Supplier = (typeof SUPPLIERS)[SupplierName];

/** The trademark and which supplier may bring which product into which market. */
export async function loadIpRegistry(api: ServiceApi, admin: string): Promise<void> {
  await api.post('/ip-rights', admin, {
    rightId: RIGHT_ID,
    kind: 'trademark',
    title: 'NORDSOUND (word mark)',
    owner: 'Nordsound AB',
    registrationNumber: 'EUTM 018765432',
    jurisdictions: ['EU'],
    gtinPrefixes: ['095060001343'],
    validFrom: '2021-03-01',
    validUntil: '2031-02-28',
  });
  const clearance = (supplier: SupplierName, gtin: string, markets: string[]) => ({
    clearanceId: `CLR-${supplier.toUpperCase()}-${gtin.slice(-4)}`,
    supplierId: SUPPLIERS[supplier].supplierId,
    gtin,
    lot: null,
    markets,
    rightIds: [RIGHT_ID],
    validFrom: day(-90),
    validUntil: day(275),
  });
  // Saigon may sell the headphones anywhere in the EU; Gdansk its speakers in the Netherlands only.
  await api.post('/clearances', admin, clearance('saigon', HEADPHONES, ['EU']));
  await api.post('/clearances', admin, clearance('gdansk', SPEAKERS, ['NL']));
}

/** Each supplier signs its batch certificates with its own Ed25519 key and uploads them. */
export async function uploadCertificates(
  api: ServiceApi,
  keys: Keys,
  signing: Record<SupplierName, KeyObject>,
): Promise<void> {
  for (const name of Object.keys(CERTIFICATES) as CertificateName[]) {
    const { supplier, gtin, lot, prefix, end } = CERTIFICATES[name];
    const certificate = {
      certificateId: certificateId(name),
      supplierId: SUPPLIERS[supplier].supplierId,
      gtin,
      lot,
      countryOfOrigin: SUPPLIERS[supplier].country,
      manufacturedOn: day(-30),
      expiresOn: day(730),
      quantity: end,
      serialRanges: [{ prefix, start: 1, end, width: 4 }],
      issuedAt: new Date().toISOString(),
    };
    const signature = signCertificate(certificate, signing[supplier]);
    await api.post('/certificates', keys.suppliers[supplier], { certificate, signature });
  }
}

import { generateKeyPairSync, KeyObject } from 'node:crypto';
import type { ServiceApi } from '../scripts/support/service-api';
import { signCertificate } from '../src/certificates/certificate-signature';
import { eachLimit } from './api';
import {
  Batch,
  COMPANY_PREFIX,
  EXPIRES_ON,
  Lane,
  SERIAL_PREFIX,
  SERIAL_WIDTH,
  serialOf,
  SITES,
  SUPPLIERS,
  supplierId,
} from './layout';

export interface SupplierAccount {
  supplierId: string;
  privateKey: KeyObject;
  apiKey: string;
  keyId: string;
}

export interface Accounts {
  suppliers: Map<string, SupplierAccount>;
  /** A scanner key per site. */
  scannerKeys: Map<string, string>;
}

export const TRADEMARK = 'TM-DOCKPROOF-EU';
const VALID_FROM = '2026-01-01';
const VALID_UNTIL = '2035-12-31';

/** Sites, suppliers with Ed25519 keys, their API keys, scanner keys and IP rights, via the API. */
export async function loadAccounts(api: ServiceApi, adminKey: string): Promise<Accounts> {
  for (const site of SITES)
    await api.post('/sites', adminKey, { ...site, name: `Warehouse ${site.siteId}` });
  const suppliers = new Map<string, SupplierAccount>();
  for (let i = 0; i < SUPPLIERS; i++) {
    const id = supplierId(i);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await api.post('/suppliers', adminKey, {
      supplierId: id,
      name: `Supplier ${i}`,
      country: 'VN',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const key = await issueKey(api, adminKey, { role: 'supplier', supplierId: id });
    suppliers.set(id, { supplierId: id, privateKey, ...key });
  }
  const scannerKeys = new Map<string, string>();
  for (const { siteId } of SITES) {
    const key = await issueKey(api, adminKey, { role: 'scanner', siteIds: [siteId] });
    scannerKeys.set(siteId, key.apiKey);
  }
  await loadRights(api, adminKey);
  return { suppliers, scannerKeys };
}

async function issueKey(
  api: ServiceApi,
  adminKey: string,
  request: { role: string; supplierId?: string; siteIds?: string[] },
): Promise<{ apiKey: string; keyId: string }> {
  return api.post('/api-keys', adminKey, { label: `bench ${request.role}`, ...request });
}

/** One right covers every benchmark GTIN in the EU; two more are in the registry but do not apply. */
async function loadRights(api: ServiceApi, adminKey: string): Promise<void> {
  const right = (rightId: string, jurisdictions: string[], gtinPrefixes: string[]) => ({
    rightId,
    kind: 'trademark',
    title: `Mark ${rightId}`,
    owner: 'Brand Owner BV',
    registrationNumber: `REG-${rightId}`,
    jurisdictions,
    gtinPrefixes,
    validFrom: VALID_FROM,
    validUntil: VALID_UNTIL,
  });
  await api.post('/ip-rights', adminKey, right(TRADEMARK, ['EU'], [`0${COMPANY_PREFIX}`]));
  await api.post('/ip-rights', adminKey, right('TM-DOCKPROOF-US', ['US'], [`0${COMPANY_PREFIX}`]));
  await api.post('/ip-rights', adminKey, right('TM-OTHER-EU', ['EU'], ['0400']));
}

export interface CertificateBody {
  certificateId: string;
  supplierId: string;
  gtin: string;
  lot: string;
  countryOfOrigin: string;
  manufacturedOn: string;
  expiresOn: string;
  issuedAt: string;
  serials?: string[];
  serialRanges?: Array<{ prefix: string; start: number; end: number; width: number }>;
}

/** The certificate a supplier signs for a batch: its serials listed, or as one range. */
export function certificateOf(batch: Batch): CertificateBody {
  const base = {
    certificateId: batch.certificateId,
    supplierId: batch.supplierId,
    gtin: batch.gtin,
    lot: batch.lot,
    countryOfOrigin: 'VN',
    manufacturedOn: '2026-06-01',
    expiresOn: EXPIRES_ON,
    issuedAt: '2026-06-02T08:00:00Z',
  };
  if (batch.listed) {
    const serials = Array.from({ length: batch.count }, (_, i) => serialOf(batch.serialBase + i));
    return { ...base, serials };
  }
  const end = batch.serialBase + batch.count - 1;
  return {
    ...base,
    serialRanges: [{ prefix: SERIAL_PREFIX, start: batch.serialBase, end, width: SERIAL_WIDTH }],
  };
}

/** Signed certificate uploads through the API, as a supplier's system makes them. */
export async function uploadCertificates(
  api: ServiceApi,
  accounts: Accounts,
  batches: Batch[],
): Promise<void> {
  await eachLimit(batches, 2, async (batch) => {
    const supplier = accounts.suppliers.get(batch.supplierId)!;
    const certificate = certificateOf(batch);
    const signature = signCertificate(certificate, supplier.privateKey);
    await api.post('/certificates', supplier.apiKey, { certificate, signature });
  });
}

/** Every-lot EU clearances of the trademark for each GTIN, and a manifest per lane's pallet. */
export async function loadClearancesAndManifests(
  api: ServiceApi,
  adminKey: string,
  accounts: Accounts,
  batches: Batch[],
  lanes: Lane[],
  name: string,
): Promise<void> {
  const gtins = new Map(batches.map((b) => [b.gtin, b.supplierId]));
  await eachLimit([...gtins], 2, async ([gtin, supplier]) => {
    await api.post('/clearances', adminKey, {
      clearanceId: `CLR-${gtin}`,
      supplierId: supplier,
      gtin,
      lot: null,
      markets: ['EU'],
      rightIds: [TRADEMARK],
      validFrom: VALID_FROM,
      validUntil: VALID_UNTIL,
    });
  });
  for (const lane of lanes) {
    await api.post('/manifests', accounts.suppliers.get(lane.supplierId)!.apiKey, {
      manifestId: `MAN-${name}-${lane.index}`,
      supplierId: lane.supplierId,
      carrierId: 'CARRIER-1',
      siteId: lane.siteId,
      pallets: [
        {
          sscc: lane.palletSscc,
          items: lane.batches.map((b) => ({ gtin: b.gtin, lot: b.lot, quantity: b.count })),
        },
      ],
    });
  }
}

import { withCheckDigit } from '../../src/gs1/check-digit';
import { CERTIFICATES, CertificateName, SUPPLIERS, SupplierName } from './registry';

export interface Pallet {
  story: string;
  siteId: 'AMS1' | 'HAM1';
  dockId: 'D1' | 'D2';
  sscc: string;
  batch: CertificateName;
  serials: string[];
  /** The supplier's manifest lists the serials, or only how many units the pallet holds. */
  announces: 'serials' | 'quantity';
  /** The serials DockProof must find suspicious, with the reason codes; the others are verified. */
  suspicious: Record<string, string[]>;
}

const sscc = (n: number) => withCheckDigit(`09506000${String(n).padStart(9, '0')}`);
const serials = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(4, '0')}`);
const all = (list: string[], code: string) => Object.fromEntries(list.map((s) => [s, [code]]));

/** In the order they reach the docks: the clones come after the units they copy. */
export const PALLETS: Pallet[] = [
  {
    story: '12 headphones from Saigon Audio Works, all genuine',
    siteId: 'AMS1',
    dockId: 'D1',
    sscc: sscc(1),
    batch: 'headphones',
    serials: serials('HP', 1, 12),
    announces: 'serials',
    suspicious: {},
  },
  {
    story: '10 headphones from Saigon Audio Works, all genuine',
    siteId: 'HAM1',
    dockId: 'D1',
    sscc: sscc(2),
    batch: 'headphones',
    serials: serials('HP', 101, 110),
    announces: 'serials',
    suspicious: {},
  },
  {
    story: '6 headphones, 2 of them with serials the supplier never made',
    siteId: 'AMS1',
    dockId: 'D2',
    sscc: sscc(3),
    batch: 'headphones',
    serials: [...serials('HP', 13, 16), 'HP9001', 'HP9002'],
    announces: 'quantity',
    suspicious: all(['HP9001', 'HP9002'], 'SERIAL_NOT_CERTIFIED'),
  },
  {
    story: '6 headphones, 2 of them clones of units already in Amsterdam',
    siteId: 'HAM1',
    dockId: 'D2',
    sscc: sscc(4),
    batch: 'headphones',
    serials: [...serials('HP', 111, 114), 'HP0005', 'HP0009'],
    announces: 'quantity',
    suspicious: all(['HP0005', 'HP0009'], 'DUPLICATE_SERIAL'),
  },
  {
    story: '8 speakers from Gdansk Acoustics, all genuine',
    siteId: 'AMS1',
    dockId: 'D2',
    sscc: sscc(5),
    batch: 'speakers',
    serials: serials('SP', 1, 8),
    announces: 'serials',
    suspicious: {},
  },
  {
    story: '6 genuine speakers, but Gdansk may sell them in the Netherlands only',
    siteId: 'HAM1',
    dockId: 'D1',
    sscc: sscc(6),
    batch: 'speakers',
    serials: serials('SP', 51, 56),
    announces: 'serials',
    suspicious: all(serials('SP', 51, 56), 'NO_IP_CLEARANCE'),
  },
  {
    story: '6 speakers bearing the stolen labels of a revoked batch',
    siteId: 'AMS1',
    dockId: 'D1',
    sscc: sscc(7),
    batch: 'stolenLabels',
    serials: serials('SR', 1, 6),
    announces: 'serials',
    suspicious: all(serials('SR', 1, 6), 'CERTIFICATE_REVOKED'),
  },
];

export const supplierOf = (pallet: Pallet): SupplierName => CERTIFICATES[pallet.batch].supplier;

/** One manifest per supplier and site, as a supplier's system posts it before the trucks leave. */
export function manifests() {
  const bySupplierAndSite = new Map<string, Pallet[]>();
  for (const pallet of PALLETS) {
    const key = `${supplierOf(pallet)}/${pallet.siteId}`;
    bySupplierAndSite.set(key, [...(bySupplierAndSite.get(key) ?? []), pallet]);
  }
  return [...bySupplierAndSite].map(([key, pallets]) => {
    const [supplier, siteId] = key.split('/') as [SupplierName, string];
    return {
      supplier,
      body: {
        manifestId: `MAN-${supplier.toUpperCase()}-${siteId}`,
        supplierId: SUPPLIERS[supplier].supplierId,
        carrierId: 'NORTHLINE-CARGO',
        siteId,
        pallets: pallets.map((p) => ({ sscc: p.sscc, items: [manifestItem(p)] })),
      },
    };
  });
}

function manifestItem(pallet: Pallet) {
  const { gtin, lot } = CERTIFICATES[pallet.batch];
  return pallet.announces === 'serials'
    ? { gtin, lot, serials: pallet.serials }
    : { gtin, lot, quantity: pallet.serials.length };
}

export function unitCode(pallet: Pallet, serial: string): string {
  const { gtin, lot } = CERTIFICATES[pallet.batch];
  return `(01)${gtin}(10)${lot}(21)${serial}`;
}

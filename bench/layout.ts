import { withCheckDigit } from '../src/gs1/check-digit';
import type { BenchOptions } from './options';

/** Who and where: every site is in the EU, so the EU trademark below applies at each. */
export const SITES = [
  { siteId: 'AMS1', country: 'NL' },
  { siteId: 'FRA1', country: 'DE' },
  { siteId: 'PAR1', country: 'FR' },
  { siteId: 'BRU1', country: 'BE' },
] as const;
export const SUPPLIERS = 8;
export const COMPANY_PREFIX = '9506000';
export const EXPIRES_ON = '2030-06-30';

export type RegistryName = 'small' | 'big';

/** One certified batch: a certificate for GTIN + lot, its serials numbered from `serialBase`. */
export interface Batch {
  certificateId: string;
  supplierId: string;
  gtin: string;
  lot: string;
  serialBase: number;
  count: number;
  /** Listed serials (certificate_serials) or one serial range. */
  listed: boolean;
}

/** A simulated scanner connection: one dock of one site, scanning one supplier's batches. */
export interface Lane {
  index: number;
  siteId: string;
  dockId: string;
  scannerId: string;
  supplierId: string;
  /** The pallet its inbound units arrive on, announced by a manifest listing its batches. */
  palletSscc: string;
  batches: Batch[];
}

/** Serials are S + 8 digits, unique per GTIN across its lots. */
export const SERIAL_PREFIX = 'S';
export const SERIAL_WIDTH = 8;

export function serialOf(n: number): string {
  return SERIAL_PREFIX + String(n).padStart(SERIAL_WIDTH, '0');
}

export function supplierId(index: number): string {
  return `SUP-${index}`;
}

/** GTIN-14 of item reference `item` (5 digits) under the company prefix. */
export function gtinOf(item: number): string {
  return withCheckDigit(`0${COMPANY_PREFIX}${String(item).padStart(5, '0')}`);
}

/**
 * The small registry (10,000 serials) and the big one (`bigCertificates` × serialsPerCertificate)
 * use disjoint GTINs; each GTIN has 10 lots (2 in the small one), each lot one certificate.
 */
export function registryBatches(name: RegistryName, options: BenchOptions): Batch[] {
  const small = name === 'small';
  const certificates = small ? options.smallCertificates : options.bigCertificates;
  const count = small ? options.smallSerialsPerCertificate : options.serialsPerCertificate;
  const lotsPerGtin = small ? 2 : 10;
  const firstItem = small ? 90_000 : 0;
  return Array.from({ length: certificates }, (_, c) => {
    const g = Math.floor(c / lotsPerGtin);
    const l = c % lotsPerGtin;
    const item = firstItem + g;
    return {
      certificateId: `CERT-${item}-${l}`,
      supplierId: supplierId(g % SUPPLIERS),
      gtin: gtinOf(item),
      lot: `L${item}-${l}`,
      serialBase: l * count,
      count,
      listed: small || (c + 1) % options.rangeEvery !== 0,
    };
  });
}

/** Lane i scans supplier i mod 8's batches, shared with the other lanes of that supplier. */
export function lanesFor(name: RegistryName, batches: Batch[], options: BenchOptions): Lane[] {
  const perSupplier = options.lanes / SUPPLIERS;
  return Array.from({ length: options.lanes }, (_, index) => {
    const supplier = supplierId(index % SUPPLIERS);
    const share = Math.floor(index / SUPPLIERS);
    const own = batches.filter((b) => b.supplierId === supplier);
    const site = SITES[index % SITES.length];
    return {
      index,
      siteId: site.siteId,
      dockId: `D${index}`,
      scannerId: `SCN-${index}`,
      supplierId: supplier,
      palletSscc: ssccOf((name === 'small' ? 1000 : 2000) + index),
      batches: own.filter((_, i) => i % perSupplier === share),
    };
  });
}

export function ssccOf(reference: number): string {
  return withCheckDigit(`3${COMPANY_PREFIX}${String(reference).padStart(9, '0')}`);
}

export function certifiedSerials(batches: Batch[]): number {
  return batches.reduce((sum, b) => sum + b.count, 0);
}

/**
 * For the scale comparison, each lane scans `serials` serials of its last batch, as it does in the
 * small registry; the remaining batches are the lanes' for the other phases, so the two never meet.
 */
export function splitForScale(lanes: Lane[], serials: number): { scale: Lane[]; rest: Lane[] } {
  return {
    scale: lanes.map((lane) => ({
      ...lane,
      batches: [{ ...lane.batches[lane.batches.length - 1], count: serials }],
    })),
    rest: lanes.map((lane) => ({ ...lane, batches: lane.batches.slice(0, -1) })),
  };
}

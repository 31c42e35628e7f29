import type { Reason } from './verdict';

/** The certificate that covers a scanned unit's batch, as verification needs it. */
export interface BatchCertificate {
  certificateId: string;
  supplierId: string;
  /** The batch's lot: a label without a lot is matched to its certificate by serial. */
  lot: string;
  supplierName: string;
  supplierSuspended: boolean;
  revoked: boolean;
  /** ISO date, or null when the certificate gives none. */
  expiresOn: string | null;
  /** Only meaningful when the certificate lists no serials. */
  quantity: number | null;
  listsSerials: boolean;
}

/** The manifest for the site that announces a unit's pallet, and whether it lists the unit. */
export interface PalletManifest {
  manifestId: string;
  listsUnit: boolean;
}

export interface IpClearanceFact {
  clearanceId: string;
  validFrom: string;
  validUntil: string;
}

/** Everything looked up for one inbound unit scan. */
export interface InboundUnitFacts {
  certificate: BatchCertificate | null;
  /** Whether the certificate lists this serial (null when the label has no serial). */
  serialListed: boolean | null;
  /** Distinct serials of this batch received so far, this one included. */
  serialsReceived: number;
  /** The GTIN + serial was received (at any site) by another scan and has not left since. */
  inStockElsewhere: boolean;
  /** IP rights in force on the scan date in the site's market that cover the GTIN. */
  rightIds: string[];
  /** Clearances of this supplier for the batch (or all its lots) in the site's market. */
  clearances: IpClearanceFact[];
  /** The manifest for this site that announces the unit's pallet, if any: does it list the unit? */
  palletManifest: PalletManifest | null;
}

export interface UnitLabel {
  gtin: string;
  lot?: string;
  serial?: string;
  expiry?: string;
}

/** Every rule of PRODUCT.md for an inbound unit; each returns its reason or nothing. */
export function inboundUnitReasons(
  unit: UnitLabel,
  facts: InboundUnitFacts,
  scanDate: string,
): Reason[] {
  const { certificate } = facts;
  const rules = !certificate
    ? [unknownBatch(unit), duplicateSerial(unit, facts), notOnManifest(unit, facts)]
    : [
        revoked(certificate),
        suspended(certificate),
        serialNotCertified(unit, facts, certificate),
        quantityExceeded(facts, certificate),
        expiryMismatch(unit, certificate),
        batchExpired(unit, certificate, scanDate),
        duplicateSerial(unit, facts),
        ipClearance(facts, scanDate),
        notOnManifest(unit, facts),
      ];
  return rules.filter((reason): reason is Reason => reason !== null);
}

const of = (c: BatchCertificate) => `certificate ${c.certificateId} of supplier ${c.supplierName}`;

function unknownBatch(unit: UnitLabel): Reason {
  const what = unit.lot
    ? `GTIN ${unit.gtin} lot ${unit.lot}`
    : `GTIN ${unit.gtin} serial ${unit.serial ?? '(none)'}`;
  return { code: 'UNKNOWN_BATCH', message: `no supplier certificate covers ${what}` };
}

function revoked(c: BatchCertificate): Reason | null {
  return c.revoked ? { code: 'CERTIFICATE_REVOKED', message: `${of(c)} was revoked` } : null;
}

function suspended(c: BatchCertificate): Reason | null {
  return c.supplierSuspended
    ? {
        code: 'SUPPLIER_SUSPENDED',
        message: `supplier ${c.supplierName} (${c.supplierId}) is suspended`,
      }
    : null;
}

function serialNotCertified(
  unit: UnitLabel,
  f: InboundUnitFacts,
  c: BatchCertificate,
): Reason | null {
  if (!c.listsSerials || !unit.serial || f.serialListed !== false) return null;
  return { code: 'SERIAL_NOT_CERTIFIED', message: `serial ${unit.serial} is not in ${of(c)}` };
}

function quantityExceeded(f: InboundUnitFacts, c: BatchCertificate): Reason | null {
  if (c.listsSerials || c.quantity === null || f.serialsReceived <= c.quantity) return null;
  return {
    code: 'QUANTITY_EXCEEDED',
    message: `${f.serialsReceived} distinct serials received, but ${of(c)} certifies only ${c.quantity} units`,
  };
}

function expiryMismatch(unit: UnitLabel, c: BatchCertificate): Reason | null {
  if (!unit.expiry || !c.expiresOn || unit.expiry === c.expiresOn) return null;
  return {
    code: 'EXPIRY_MISMATCH',
    message: `the label says expiry ${unit.expiry}, ${of(c)} says ${c.expiresOn}`,
  };
}

function batchExpired(unit: UnitLabel, c: BatchCertificate, scanDate: string): Reason | null {
  const expiry = c.expiresOn ?? unit.expiry;
  if (!expiry || expiry >= scanDate) return null;
  return {
    code: 'BATCH_EXPIRED',
    message: `the batch expired on ${expiry}, before this scan on ${scanDate}`,
  };
}

function duplicateSerial(unit: UnitLabel, f: InboundUnitFacts): Reason | null {
  if (!unit.serial || !f.inStockElsewhere) return null;
  return {
    code: 'DUPLICATE_SERIAL',
    message: `GTIN ${unit.gtin} serial ${unit.serial} was already received and has not left: a cloned code`,
  };
}

function ipClearance(f: InboundUnitFacts, scanDate: string): Reason | null {
  if (!f.rightIds.length) return null;
  const rights = f.rightIds.join(', ');
  if (f.clearances.some((c) => c.validFrom <= scanDate && scanDate <= c.validUntil)) return null;
  const lapsed = f.clearances.filter((c) => c.validUntil < scanDate);
  if (lapsed.length) {
    const last = lapsed
      .map((c) => c.validUntil)
      .sort()
      .at(-1);
    return {
      code: 'IP_CLEARANCE_EXPIRED',
      message: `the batch's IP clearance under ${rights} lapsed on ${last}`,
    };
  }
  return {
    code: 'NO_IP_CLEARANCE',
    message: `no IP clearance of this batch for this market under ${rights}`,
  };
}

function notOnManifest(unit: UnitLabel, f: InboundUnitFacts): Reason | null {
  if (!f.palletManifest || f.palletManifest.listsUnit) return null;
  const what = `GTIN ${unit.gtin}${unit.lot ? ` lot ${unit.lot}` : ''}${unit.serial ? ` serial ${unit.serial}` : ''}`;
  return {
    code: 'NOT_ON_MANIFEST',
    message: `${what} is not on manifest ${f.palletManifest.manifestId} of its pallet`,
  };
}

import { sign } from 'node:crypto';
import { Client } from 'pg';
import { sha256Hex, signedBytes } from '../src/certificates/certificate-signature';
import { eachLimit } from './api';
import { Batch, SERIAL_PREFIX, SERIAL_WIDTH } from './layout';
import { Accounts, certificateOf } from './registry';

/*
 * Millions of listed serials through the API would take minutes of upload; the rows written here
 * are the ones an upload writes (certificates.service.ts, certificate-serials.store.ts): each
 * certificate signed by its supplier over the canonical JSON of its full serial list, its serials
 * in certificate_serials. Only the audit entries of the uploads are missing. Keep in step with
 * migrations 1795456800001 and 1795456800004.
 */

const INSERT_CERTIFICATES = `
  INSERT INTO certificates (certificate_id, supplier_id, gtin, lot, country_of_origin,
      manufactured_on, expires_on, issued_at, lists_serials, serial_count, canonical_sha256,
      signature, uploaded_by)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[],
      $7::date[], $8::timestamptz[], $9::boolean[], $10::int[], $11::text[], $12::text[], $13::text[])`;

// Batches come sorted by GTIN and serial, so rows arrive in primary-key order.
const INSERT_SERIALS = `
  INSERT INTO certificate_serials (gtin, serial, certificate_id)
  SELECT c.gtin, $5 || lpad((c.base + n)::text, $6, '0'), c.certificate_id
    FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS c(certificate_id, gtin, base, count)
   CROSS JOIN LATERAL generate_series(0, c.count - 1) AS n`;

const CERTIFICATES_PER_STATEMENT = 100;

export async function bulkLoadListed(
  databaseUrl: string,
  accounts: Accounts,
  batches: Batch[],
): Promise<void> {
  const sorted = [...batches].sort(
    (a, b) => a.gtin.localeCompare(b.gtin) || a.serialBase - b.serialBase,
  );
  const clients = [new Client(databaseUrl), new Client(databaseUrl)];
  await Promise.all(clients.map((c) => c.connect()));
  try {
    await insertCertificates(clients[0], accounts, sorted);
    const chunks: Batch[][] = [];
    for (let i = 0; i < sorted.length; i += CERTIFICATES_PER_STATEMENT)
      chunks.push(sorted.slice(i, i + CERTIFICATES_PER_STATEMENT));
    const idle = [...clients];
    await eachLimit(chunks, clients.length, async (chunk) => {
      const client = idle.pop()!;
      try {
        await client.query(INSERT_SERIALS, [
          chunk.map((b) => b.certificateId),
          chunk.map((b) => b.gtin),
          chunk.map((b) => b.serialBase),
          chunk.map((b) => b.count),
          SERIAL_PREFIX,
          SERIAL_WIDTH,
        ]);
      } finally {
        idle.push(client);
      }
    });
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function insertCertificates(
  client: Client,
  accounts: Accounts,
  batches: Batch[],
): Promise<void> {
  const rows = batches.map((batch) => {
    const certificate = certificateOf(batch);
    const bytes = signedBytes(certificate);
    const supplier = accounts.suppliers.get(batch.supplierId)!;
    const { serials: _serials, ...header } = certificate;
    return {
      batch,
      header,
      sha256: sha256Hex(bytes),
      signature: sign(null, bytes, supplier.privateKey).toString('base64'),
      uploadedBy: supplier.keyId,
    };
  });
  await client.query(INSERT_CERTIFICATES, [
    rows.map((r) => r.header.certificateId),
    rows.map((r) => r.header.supplierId),
    rows.map((r) => r.header.gtin),
    rows.map((r) => r.header.lot),
    rows.map((r) => r.header.countryOfOrigin),
    rows.map((r) => r.header.manufacturedOn),
    rows.map((r) => r.header.expiresOn),
    rows.map((r) => r.header.issuedAt),
    rows.map(() => true),
    rows.map((r) => r.batch.count),
    rows.map((r) => r.sha256),
    rows.map((r) => r.signature),
    rows.map((r) => r.uploadedBy),
  ]);
}

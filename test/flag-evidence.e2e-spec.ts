import { createHash, randomUUID, verify } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { AuditEntryBody } from '../src/audit/audit.controller';
import type { EvidenceBundle } from '../src/flags/flag-evidence-bundle';
import { withCheckDigit } from '../src/gs1/check-digit';
import { issueKey } from './support/api-keys';
import { certificate, registerSupplier, signed, SupplierKeys } from './support/certificates';
import { scanEvent, ScanEventBody, SimulatedScanner, VerdictBody } from './support/scanner';
import { startTestApp, TestApp } from './support/test-app';

const G1 = '09506000134352';
const bearer = { type: 'bearer' as const };
const PALLET = withCheckDigit('10614141000009990');
const NOTE = 'labels reprinted <img src=x onerror=alert(1)> & "relabelled"';
const HOSTILE_CODE = '<script>alert("x")</script>';

/**
 * The audit entry hash as README and the bundle state it, written here from that statement rather
 * than through src/audit: SHA-256 of the JSON array of the nine strings.
 */
function entryHashByHand(e: AuditEntryBody): string {
  const fields = ['dockproof-audit-v1', e.prevHash, String(e.seq), e.at, e.actor, e.action];
  fields.push(e.objectType, e.objectId, e.payloadSha256);
  return sha256(JSON.stringify(fields));
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** RFC 8785 for the plain data of a certificate: sorted keys, no whitespace. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const ARTIFACTS = join(__dirname, '../test-artifacts');
const keyIdOf = (apiKey: string) => /^dp_(key_[0-9a-f]+)_/.exec(apiKey)![1];

describe('evidence bundle of a flag, for authorities', () => {
  let app: TestApp;
  let supplier: SupplierKeys & { apiKey: string };
  let scanner: SimulatedScanner;
  const keys: Record<string, string> = {};
  // Signed with issuedAt as "…08:00:00Z": the bundle must find that form, not toISOString's.
  const cert = certificate({
    supplierId: 'SUP-E',
    certificateId: 'CERT-E',
    lot: 'LEVID',
    serials: ['E1', 'E2', 'E3'],
    serialRanges: [{ prefix: 'EV', start: 1, end: 50, width: 3 }],
  });
  let upload: ReturnType<typeof signed>;
  let expired: ScanEventBody;
  let hostile: ScanEventBody;
  let flagId: string;

  const post = (path: string, key: string, body: object) =>
    request(app.http).post(path).auth(key, bearer).send(body);
  const evidence = (key: string, id = flagId) =>
    request(app.http).get(`/api/v1/flags/${id}/evidence`).auth(key, bearer);
  const bundle = async (key: string, id = flagId) =>
    (await evidence(key, id).expect(200)).body as EvidenceBundle;
  const scan = async (event: ScanEventBody): Promise<VerdictBody> => {
    await scanner.scanUntilAnswered([event]);
    return scanner.verdicts.get(event.eventId)!;
  };

  beforeAll(async () => {
    app = await startTestApp();
    keys.admin = app.adminKey;
    for (const site of [
      { siteId: 'AMS1', name: 'Amsterdam', country: 'NL' },
      { siteId: 'BRU1', name: 'Brussels', country: 'BE' },
    ])
      await post('/api/v1/sites', app.adminKey, site).expect(201);
    supplier = await registerSupplier(app, 'SUP-E');
    await post('/api/v1/ip-rights', app.adminKey, {
      rightId: 'TM-E',
      kind: 'trademark',
      title: 'Evidentia',
      owner: 'Evidentia BV',
      registrationNumber: 'EUTM-42',
      jurisdictions: ['EU'],
      gtinPrefixes: ['0950600'],
      validFrom: '2026-01-01',
      validUntil: '2030-12-31',
    }).expect(201);
    await post('/api/v1/clearances', app.adminKey, {
      clearanceId: 'CLR-E',
      supplierId: 'SUP-E',
      gtin: G1,
      lot: 'LEVID',
      markets: ['NL'],
      rightIds: ['TM-E'],
      validFrom: '2026-01-01',
      validUntil: '2030-12-31',
    }).expect(201);
    upload = signed(cert, supplier);
    await post('/api/v1/certificates', supplier.apiKey, upload).expect(201);
    const issue = (role: string, scope: object = {}) =>
      issueKey(app.url, app.adminKey, { role, ...scope });
    keys.supervisor = await issue('supervisor', { siteIds: ['AMS1'] });
    keys.otherSupervisor = await issue('supervisor', { siteIds: ['BRU1'] });
    keys.auditor = await issue('auditor');
    keys.compliance = await issue('compliance');
    keys.scanner = await app.scannerKey(['AMS1']);
    keys.supplier = supplier.apiKey;
    scanner = await app.connectScanner('AMS1', 'D1');

    expired = scanEvent({ code: `(01)${G1}(17)290101(10)LEVID(21)E1`, palletSscc: PALLET });
    // eventId and code are the scanner-provided strings validation lets carry markup.
    hostile = scanEvent({
      eventId: `<b>ev</b>-${randomUUID()}`,
      code: HOSTILE_CODE,
      palletSscc: PALLET,
    });
    const first = await scan(expired);
    expect(first.reasons.map((r) => r.code)).toEqual(['EXPIRY_MISMATCH']);
    const second = await scan(hostile);
    expect(second).toMatchObject({ status: 'suspicious', flagId: first.flagId });
    flagId = first.flagId!;
    await post(`/api/v1/flags/${flagId}/resolve`, keys.supervisor, {
      action: 'quarantine',
      note: NOTE,
    }).expect(200);
  });

  afterAll(async () => {
    await scanner?.close();
    await app?.close();
  });

  it('holds the flag, its scans, the certificate as signed with its signature checked now, the IP and the decision', async () => {
    const res = await evidence(keys.auditor).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const b = res.body as EvidenceBundle;
    expect(b).toMatchObject({
      format: 'dockproof-evidence-bundle/1',
      generatedBy: keyIdOf(keys.auditor),
      flag: {
        flagId,
        siteId: 'AMS1',
        site: { name: 'Amsterdam', country: 'NL' },
        palletSscc: PALLET,
        status: 'quarantined',
        openedAt: expect.any(String),
        updatedAt: expect.any(String),
      },
      decision: {
        action: 'quarantine',
        status: 'quarantined',
        by: keyIdOf(keys.supervisor),
        byRole: 'supervisor',
        at: expect.any(String),
        note: NOTE,
        auditEntry: { seq: expect.any(Number), payloadMatches: true },
      },
      clearances: [{ clearanceId: 'CLR-E', lot: 'LEVID', markets: ['NL'], rightIds: ['TM-E'] }],
      rights: [{ rightId: 'TM-E', registrationNumber: 'EUTM-42', jurisdictions: ['EU'] }],
    });
    expect(b.items).toMatchObject([
      { eventId: expired.eventId, serial: 'E1', certificateId: 'CERT-E' },
      { eventId: hostile.eventId, code: HOSTILE_CODE, certificateId: null },
    ]);
    expect(b.items[0].reasons.map((r) => r.code)).toEqual(['EXPIRY_MISMATCH']);
    expect(b.scans.map((s) => [s.eventId, s.code, s.scannerId]).sort()).toEqual(
      [
        [expired.eventId, expired.code, 'SCN-7'],
        [hostile.eventId, HOSTILE_CODE, 'SCN-7'],
      ].sort(),
    );

    const [c] = b.certificates;
    expect(c).toMatchObject({
      certificateId: 'CERT-E',
      supplierId: 'SUP-E',
      uploadedBy: keyIdOf(supplier.apiKey),
      revokedAt: null,
      supplierPublicKey: supplier.publicKeyPem,
      signatureCheck: { valid: true, algorithm: 'Ed25519', matchesUploadedSha256: true },
    });
    // Exactly the object the supplier signed, and its signature verifies here without DockProof.
    expect(c.signed).toEqual(upload);
    const bytes = Buffer.from(canonical(c.signed.certificate), 'utf8');
    expect(c.signatureCheck.canonicalSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(
      verify(null, bytes, c.supplierPublicKey!, Buffer.from(c.signed.signature, 'base64')),
    ).toBe(true);
  });

  it('lists the audit entries of the flag and what applied; their hashes recompute by hand', async () => {
    const { audit, decision } = await bundle(keys.auditor);
    const actions = audit.entries.map((e) => e.action);
    for (const action of [
      'flag.quarantined',
      'certificate.uploaded',
      'supplier.created',
      'clearance.created',
      'ip-right.created',
      'api-key.issued',
    ])
      expect(actions).toContain(action);
    for (const entry of audit.entries) {
      expect(entryHashByHand(entry)).toBe(entry.hash);
      expect(entry).toMatchObject({ hashValid: true, linked: true });
    }
    // Links checked against the trail itself: the entry before each is the one its prevHash names.
    for (const entry of audit.entries.filter((e) => e.seq > 1)) {
      const before = await request(app.http)
        .get('/api/v1/audit')
        .query({ after: String(entry.seq - 2), limit: '1' })
        .auth(keys.auditor, bearer)
        .expect(200);
      expect(before.body.items[0]).toMatchObject({ seq: entry.seq - 1, hash: entry.prevHash });
      expect(entryHashByHand(before.body.items[0])).toBe(entry.prevHash);
    }
    // The decision's note and status are what the trail hashed: keys sorted, no whitespace.
    const flagEntry = audit.entries.find((e) => e.action === 'flag.quarantined')!;
    expect(flagEntry).toMatchObject({
      objectType: 'flag',
      objectId: flagId,
      seq: decision!.auditEntry!.seq,
    });
    const payload = JSON.stringify({ flagId, note: NOTE, siteId: 'AMS1', status: 'quarantined' });
    expect(sha256(payload)).toBe(flagEntry.payloadSha256);
    expect(audit).toMatchObject({
      verifies: true,
      trail: { ok: true, entries: expect.any(Number), head: { seq: expect.any(Number) } },
      howToVerify: { hashedFields: expect.arrayContaining(['actor', 'payloadSha256']) },
    });
    expect(audit.trail.head.seq).toBeGreaterThanOrEqual(flagEntry.seq);
  });

  it('prints as escaped HTML without scripts for Accept: text/html or ?format=html', async () => {
    const res = await evidence(keys.supervisor).set('Accept', 'text/html').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-/,
    );
    expect(res.headers['content-security-policy']).not.toMatch(/script-src/);
    const page = res.text;
    // Left for a person to open and print.
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'flag-evidence.html'), page);
    expect(page).toContain(expired.eventId);
    expect(page).toContain(
      hostile.eventId.replace('<b>', '&lt;b&gt;').replace('</b>', '&lt;/b&gt;'),
    );
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('labels reprinted &lt;img src=x onerror=alert(1)&gt; &amp; &quot;');
    expect(page).not.toMatch(/<script|<img|<b>ev|<link|<iframe/i);
    expect(page).toContain('@media print');
    expect(page).toMatch(/Signature verifies now<\/th>\s*<td>\s*yes:/);

    const byQuery = await evidence(keys.supervisor).query({ format: 'html' }).expect(200);
    expect(byQuery.headers['content-type']).toMatch(/^text\/html/);
    expect(byQuery.text).toContain(expired.eventId);
    const json = await evidence(keys.supervisor).set('Accept', 'application/json').expect(200);
    expect(json.body.flag.flagId).toBe(flagId);
    const bad = await evidence(keys.supervisor).query({ format: 'xml' }).expect(400);
    expect(bad.body).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/^format: /),
    });
  });

  it("is for admin, auditor, compliance and a supervisor of the flag's site only", async () => {
    for (const role of ['admin', 'auditor', 'compliance', 'supervisor'])
      await evidence(keys[role]).expect(200);
    // As the flag detail: another site's flag is 403 (PRODUCT.md: outside its scope).
    await evidence(keys.otherSupervisor).expect(403);
    await request(app.http)
      .get(`/api/v1/flags/${flagId}`)
      .auth(keys.otherSupervisor, bearer)
      .expect(403);
    for (const role of ['supplier', 'scanner']) await evidence(keys[role]).expect(403);
    await request(app.http).get(`/api/v1/flags/${flagId}/evidence`).expect(401);
    await evidence(keys.auditor, '00000000-0000-4000-8000-000000000000').expect(404);
    await evidence(keys.auditor, 'not-a-flag').expect(404);
  });

  it('has no decision while the flag is open', async () => {
    const open = await scan(scanEvent({ code: `(01)${G1}(10)NOPE(21)OPEN1` }));
    const body = await bundle(keys.supervisor, open.flagId!);
    expect(body).toMatchObject({ decision: null, certificates: [], flag: { status: 'open' } });
    expect(body.audit.entries).toEqual([]);
    expect(body.audit.verifies).toBe(true);
  });

  it('reports the chain broken once an audit row is altered in the database', async () => {
    const before = await bundle(keys.auditor);
    const seq = before.decision!.auditEntry!.seq;
    const tamper = (actor: string) =>
      app.db.query(`BEGIN;
        ALTER TABLE audit_entries DISABLE TRIGGER USER;
        UPDATE audit_entries SET actor = '${actor}' WHERE seq = ${seq};
        ALTER TABLE audit_entries ENABLE TRIGGER USER; COMMIT`);
    await tamper('mallory');
    try {
      const { audit } = await bundle(keys.auditor);
      expect(audit).toMatchObject({ verifies: false, trail: { ok: false, firstBadEntry: seq } });
      const entry = audit.entries.find((e) => e.seq === seq)!;
      expect(entry).toMatchObject({ actor: 'mallory', hashValid: false });
      expect(entryHashByHand(entry)).not.toBe(entry.hash);
      const page = (await evidence(keys.auditor).query({ format: 'html' }).expect(200)).text;
      expect(page).toContain(`broken at seq ${seq}`);
    } finally {
      await tamper(before.decision!.by);
    }
    expect((await bundle(keys.auditor)).audit.verifies).toBe(true);
  });
});

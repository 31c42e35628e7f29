import { ServiceApi, sleep } from '../support/service-api';
import type { Verdict } from '../../src/verification/verdict';
import { DockScanner } from './dock-scanner';
import type { DemoOutput } from './output';
import { manifests, Pallet, PALLETS, unitCode } from './pallets';
import {
  certificateId,
  CERTIFICATES,
  Keys,
  loadIpRegistry,
  loadParties,
  SITES,
  SUPPLIERS,
  uploadCertificates,
} from './registry';
import type { WmsListener } from './wms';

/** Pauses that let a person follow along (and watch the console); none in the short mode. */
export interface Pace {
  betweenScansMs: number;
  betweenPalletsMs: number;
}

const REVOKED = 'stolenLabels';

/** Everything through the public API, as the operator, compliance and the suppliers would. */
export async function loadRegistry(api: ServiceApi, admin: string, out: DemoOutput): Promise<Keys> {
  out.heading('Loading a small registry through the REST API');
  const { keys, signing } = await loadParties(api, admin);
  out.line(`sites: ${SITES.map((s) => `${s.siteId} ${s.name} (${s.country})`).join('; ')}`);
  const suppliers = Object.values(SUPPLIERS).map((s) => `${s.name} (${s.country})`);
  out.line(`suppliers, each with its own Ed25519 signing key: ${suppliers.join(', ')}`);
  await loadIpRegistry(api, admin);
  out.line('IP: the NORDSOUND trademark (EU); Saigon cleared for the EU, Gdansk for NL only');
  await uploadCertificates(api, keys, signing);
  for (const cert of Object.keys(CERTIFICATES) as Array<keyof typeof CERTIFICATES>) {
    const { supplier, lot, prefix, end } = CERTIFICATES[cert];
    const range = `${prefix}0001-${prefix}${String(end).padStart(4, '0')}`;
    out.line(
      `${SUPPLIERS[supplier].name} signed ${certificateId(cert)}: lot ${lot}, serials ${range}`,
    );
  }
  for (const { supplier, body } of manifests()) {
    await api.post('/manifests', keys.suppliers[supplier], body);
    out.line(`manifest ${body.manifestId}: ${body.pallets.length} pallet(s) for ${body.siteId}`);
  }
  const reason = 'Labels of lot S2609R were stolen from our printing contractor';
  const revoked = certificateId(REVOKED);
  await api.post(`/certificates/${revoked}/revoke`, keys.suppliers.gdansk, { reason });
  out.line(`Gdansk revoked ${revoked}: "${reason}"`);
  out.line('API keys: a scanner key per site, a supervisor, the WMS and an auditor');
  return keys;
}

/** Each pallet at its dock, scan by scan; answers the flag each suspicious pallet raised. */
export async function runDocks(
  scanners: Map<string, DockScanner>,
  out: DemoOutput,
  pace: Pace,
): Promise<Map<Pallet, string>> {
  out.heading('Dock scanners at work (MQTT QoS 1; a scan without a verdict is re-sent after 2 s)');
  const flags = new Map<Pallet, string>();
  for (const pallet of PALLETS) {
    const scanner = scanners.get(`${pallet.siteId}/${pallet.dockId}`)!;
    out.heading(`${pallet.siteId} dock ${pallet.dockId}: pallet ${pallet.sscc} arrives`);
    out.line(`(${pallet.story})`);
    const label = await scanner.scan(scanner.event(`(00)${pallet.sscc}`));
    out.expect(label.status === 'verified', `pallet label ${pallet.sscc}: ${label.status}`);
    const verdicts: Array<[string, Verdict]> = [];
    for (const serial of pallet.serials) {
      await sleep(pace.betweenScansMs);
      const event = scanner.event(unitCode(pallet, serial), pallet.sscc);
      verdicts.push([serial, await scanner.scan(event)]);
    }
    const flagId = report(pallet, verdicts, out);
    if (flagId) flags.set(pallet, flagId);
    await sleep(pace.betweenPalletsMs);
  }
  return flags;
}

/** Prints the pallet's verdicts and checks them against the story. */
function report(pallet: Pallet, verdicts: Array<[string, Verdict]>, out: DemoOutput) {
  const suspicious = verdicts.filter(([, v]) => v.status !== 'verified');
  const flagIds = new Set(suspicious.map(([, v]) => v.flagId));
  const flagId = suspicious.length ? [...flagIds][0] : null;
  const flagged = flagId ? ` -> flag ${flagId}` : '';
  out.line(
    `label verified; ${verdicts.length - suspicious.length} units verified, ${suspicious.length} suspicious${flagged}`,
  );
  for (const [serial, verdict] of suspicious)
    for (const reason of verdict.reasons)
      out.line(`  ${serial}: ${reason.code}, ${reason.message}`);
  for (const [serial, verdict] of verdicts) {
    const want = (pallet.suspicious[serial] ?? []).join(',');
    const got = verdict.reasons.map((r) => r.code).join(',');
    out.expect(want === got, `${serial} on ${pallet.sscc}: expected [${want}], got [${got}]`);
  }
  out.expect(flagIds.size <= 1 && !flagIds.has(null), `${pallet.sscc}: not on one flag`);
  return flagId;
}

/** The WMS holds each flagged pallet, and the supervisor's queue shows exactly those. */
export async function checkFlags(
  api: ServiceApi,
  keys: Keys,
  wms: WmsListener,
  flags: Map<Pallet, string>,
  out: DemoOutput,
): Promise<void> {
  const counterfeit = PALLETS.filter((p) => Object.keys(p.suspicious).length);
  out.expect(
    flags.size === counterfeit.length,
    `${flags.size} flags, expected ${counterfeit.length}`,
  );
  for (const [pallet, flagId] of flags) {
    const units = Object.keys(pallet.suspicious).length;
    const hold = await wms.next((m) => m.flagId === flagId && m.items.length === units);
    out.expect(hold !== null, `no WMS hold of all ${units} units of ${pallet.sscc}`);
  }
  const open = await api.get<{ items: Array<{ flagId: string; palletSscc: string }> }>(
    '/flags?status=open',
    keys.supervisor,
  );
  const want = [...flags.values()].sort().join(' ');
  const got = open.items
    .map((f) => f.flagId)
    .sort()
    .join(' ');
  out.expect(want === got, `the supervisor's open flags are [${got}], expected [${want}]`);
}

/** A supervisor quarantines the made-up serials and releases the speakers for Hamburg. */
export async function decide(
  api: ServiceApi,
  keys: Keys,
  wms: WmsListener,
  flags: Map<Pallet, string>,
  out: DemoOutput,
): Promise<void> {
  out.heading('The supervisor decides two flags through the API (the other two stay open)');
  const decisions = [
    {
      pallet: PALLETS[2],
      action: 'quarantine',
      note: 'HP9001 and HP9002 were never certified by Saigon Audio Works; held for customs',
    },
    {
      pallet: PALLETS[5],
      action: 'release',
      note: 'Nordsound confirmed by email that Gdansk may sell in Germany; clearance record follows',
    },
  ] as const;
  for (const { pallet, action, note } of decisions) {
    const flagId = flags.get(pallet);
    if (!out.expect(flagId !== undefined, `no flag for ${pallet.sscc} to ${action}`)) continue;
    await api.post(`/flags/${flagId}/resolve`, keys.supervisor, { action, note });
    out.line(`${action} flag ${flagId} (pallet ${pallet.sscc} at ${pallet.siteId})`);
    const sent = await wms.next((m) => m.flagId === flagId && m.type === action);
    out.expect(sent !== null, `no WMS ${action} message for ${pallet.sscc}`);
  }
}

/** The auditor checks the hash chain over every change the story made. */
export async function verifyAudit(api: ServiceApi, keys: Keys, out: DemoOutput): Promise<void> {
  out.heading('The auditor verifies the audit trail (GET /api/v1/audit/verify)');
  const chain = await api.get<{ ok: boolean; entries: number }>('/audit/verify', keys.auditor);
  out.line(`${chain.entries} entries, hash chain ${chain.ok ? 'intact' : 'BROKEN'}`);
  out.expect(chain.ok, 'the audit chain does not verify');
}

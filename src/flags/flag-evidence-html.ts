import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/audit-hash';
import type { EvidenceBundle, EvidenceCertificate } from './flag-evidence-bundle';

/** Markup that is already safe; everything else interpolated into `html` is escaped. */
class Html {
  constructor(readonly text: string) {}
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Control characters but tab and newline (a barcode's GS) are shown as `\u001d`, never sent raw. */
function escapeText(value: string): string {
  return value
    .replace(/[&<>"']/g, (c) => ESCAPES[c])
    .replace(
      /[\u0000-\u0008\u000b-\u001f\u007f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0];
  values.forEach((value, i) => (text += fragment(value) + strings[i + 1]));
  return new Html(text);
}

function fragment(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === null || value === undefined) return '—';
  return escapeText(String(value));
}

const STYLE = `
body{font:11pt/1.4 Georgia,'Times New Roman',serif;margin:2em auto;max-width:60em;color:#000}
h1{font-size:16pt}h2{font-size:13pt;border-bottom:1px solid #000;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #555;padding:.2em .4em;text-align:left;vertical-align:top}
th{background:#eee}code,pre,.hash{font-family:'DejaVu Sans Mono',Menlo,monospace;font-size:9pt}
.hash{overflow-wrap:anywhere}pre{overflow-wrap:anywhere;white-space:pre-wrap}.bad{font-weight:bold;text-decoration:underline}
@media print{body{margin:0;max-width:none}tr,pre{break-inside:avoid}h2{break-after:avoid}}
@page{size:A4;margin:18mm 15mm}`;

/** No scripts, no external assets: only this inline style, by its hash. */
export const EVIDENCE_HTML_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Serials printed per certificate; the JSON bundle lists all of them. */
const PRINTED_SERIALS = 200;

const yesNo = (ok: boolean) => (ok ? html`yes` : html`<span class="bad">NO</span>`);

export function renderEvidenceHtml(b: EvidenceBundle): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Evidence: flag ${b.flag.flagId}</title>
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <h1>DockProof evidence bundle: flag ${b.flag.flagId}</h1>
        <p>
          Generated ${b.generatedAt} for key ${b.generatedBy} (format ${b.format}). The JSON form of
          this bundle (<code>Accept: application/json</code>) holds the same facts, with every
          serial.
        </p>
        ${flagSection(b)}${decisionSection(b)}${itemsSection(b)}${scansSection(b)}
        <h2>Certificates</h2>
        ${b.certificates.length ? b.certificates.map(certificateSection) : html`<p>None applied.</p>`}
        ${ipSection(b)}${auditSection(b)}
      </body>
    </html> `.text;
}

function flagSection({ flag }: EvidenceBundle): Html {
  const site = flag.site ? html` (${flag.site.name}, ${flag.site.country})` : '';
  return html`<h2>Flag</h2>
    <table>
      <tr>
        <th>Site</th>
        <td>${flag.siteId}${site}</td>
      </tr>
      <tr>
        <th>Pallet (SSCC)</th>
        <td>${flag.palletSscc}</td>
      </tr>
      <tr>
        <th>Status</th>
        <td>${flag.status}</td>
      </tr>
      <tr>
        <th>Opened</th>
        <td>${flag.openedAt}</td>
      </tr>
      <tr>
        <th>Updated</th>
        <td>${flag.updatedAt}</td>
      </tr>
    </table>`;
}

function decisionSection({ flag, decision: d }: EvidenceBundle): Html {
  if (!d)
    return html`<h2>Decision</h2>
      <p>None yet: the flag is ${flag.status}.</p>`;
  const who = d.byLabel !== null ? html` (${d.byRole}: ${d.byLabel})` : '';
  const entry = d.auditEntry
    ? html`seq ${d.auditEntry.seq}; its payload is this decision's:
      ${yesNo(d.auditEntry.payloadMatches)}`
    : html`<span class="bad">none found</span>`;
  return html`<h2>Decision</h2>
    <table>
      <tr>
        <th>Action</th>
        <td>${d.action} (${d.status})</td>
      </tr>
      <tr>
        <th>By</th>
        <td>${d.by}${who}</td>
      </tr>
      <tr>
        <th>At</th>
        <td>${d.at}</td>
      </tr>
      <tr>
        <th>Note</th>
        <td>${d.note}</td>
      </tr>
      <tr>
        <th>Audit entry</th>
        <td>${entry}</td>
      </tr>
      <tr>
        <th>Audit payload</th>
        <td><code>${canonicalJson(d.auditPayload)}</code></td>
      </tr>
    </table>`;
}

function itemsSection({ items }: EvidenceBundle): Html {
  return html`<h2>Items and reasons</h2>
    <table>
      <tr>
        <th>Added</th>
        <th>Unit</th>
        <th>Scan (eventId)</th>
        <th>Reasons</th>
        <th>Certificate</th>
      </tr>
      ${items.map(
        (i) =>
          html`<tr>
            <td>${i.addedAt}</td>
            <td>${unitOf(i)}</td>
            <td class="hash">${i.eventId}</td>
            <td>${i.reasons.map((r) => html`<b>${r.code}</b>: ${r.message}<br />`)}</td>
            <td>${i.certificateId}</td>
          </tr>`,
      )}
    </table>`;
}

function unitOf(i: EvidenceBundle['items'][number]): Html {
  const sscc = i.sscc !== null ? html`, SSCC ${i.sscc}` : '';
  if (i.gtin !== null) return html`GTIN ${i.gtin}, lot ${i.lot}, serial ${i.serial}${sscc}`;
  if (i.sscc !== null) return html`pallet label, SSCC ${i.sscc}`;
  return html`unreadable code <code>${i.code}</code>`;
}

function scansSection({ scans }: EvidenceBundle): Html {
  return html`<h2>Scans</h2>
    <table>
      <tr>
        <th>eventId</th>
        <th>Scanned at</th>
        <th>Dock</th>
        <th>Scanner</th>
        <th>Direction</th>
        <th>Code as read</th>
        <th>Verdict</th>
      </tr>
      ${scans.map(
        (s) =>
          html`<tr>
            <td class="hash">${s.eventId}</td>
            <td>${s.scannedAt}</td>
            <td>${s.dockId}</td>
            <td>${s.scannerId}</td>
            <td>${s.direction}</td>
            <td><code>${s.code}</code></td>
            <td>${s.status}</td>
          </tr>`,
      )}
    </table>`;
}

function certificateSection(c: EvidenceCertificate): Html {
  const { serials, ...fields } = c.signed.certificate;
  const listed = Array.isArray(serials) ? (serials as string[]) : [];
  const more = listed.length - PRINTED_SERIALS;
  const check = c.signatureCheck;
  return html`<h3>${c.certificateId} (supplier ${c.supplierId}, ${c.supplierName})</h3>
    <table>
      <tr>
        <th>Signature verifies now</th>
        <td>
          ${yesNo(check.valid)}: ${check.algorithm} over the ${check.signedBytes}, checked
          ${check.checkedAt}${check.note ? html`; ${check.note}` : ''}
        </td>
      </tr>
      <tr>
        <th>Canonical SHA-256</th>
        <td class="hash">
          ${check.canonicalSha256} (the one computed at upload:
          ${yesNo(check.matchesUploadedSha256)})
        </td>
      </tr>
      <tr>
        <th>Uploaded</th>
        <td>${c.uploadedAt} by ${c.uploadedBy}</td>
      </tr>
      <tr>
        <th>Revoked</th>
        <td>${c.revokedAt !== null ? html`${c.revokedAt}: ${c.revokedReason}` : 'no'}</td>
      </tr>
    </table>
    <p>The certificate as signed, its serials listed after it:</p>
    <pre>${JSON.stringify(fields, null, 2)}</pre>
    ${listed.length ? html`<p>${listed.length} serials: <code>${listed.slice(0, PRINTED_SERIALS).join(' ')}</code>${more > 0 ? ` and ${more} more (in the JSON bundle)` : ''}</p>` : ''}
    <p>Signature (base64):</p>
    <pre>${c.signed.signature}</pre>
    <p>The supplier's public key, as registered now:</p>
    <pre>${c.supplierPublicKey}</pre>`;
}

function ipSection({ clearances, rights }: EvidenceBundle): Html {
  return html`<h2>IP clearances</h2>
    <table>
      <tr>
        <th>Clearance</th>
        <th>Supplier</th>
        <th>GTIN</th>
        <th>Lot</th>
        <th>Markets</th>
        <th>Rights</th>
        <th>Valid</th>
      </tr>
      ${clearances.map(
        (c) =>
          html`<tr>
            <td>${c.clearanceId}</td>
            <td>${c.supplierId}</td>
            <td>${c.gtin}</td>
            <td>${c.lot ?? 'every lot'}</td>
            <td>${c.markets.join(', ')}</td>
            <td>${c.rightIds.join(', ')}</td>
            <td>${c.validFrom} to ${c.validUntil}</td>
          </tr>`,
      )}
    </table>
    <h2>IP rights</h2>
    <table>
      <tr>
        <th>Right</th>
        <th>Kind</th>
        <th>Title</th>
        <th>Owner</th>
        <th>Registration</th>
        <th>Jurisdictions</th>
        <th>GTIN prefixes</th>
        <th>Valid</th>
      </tr>
      ${rights.map(
        (r) =>
          html`<tr>
            <td>${r.rightId}</td>
            <td>${r.kind}</td>
            <td>${r.title}</td>
            <td>${r.owner}</td>
            <td>${r.registrationNumber}</td>
            <td>${r.jurisdictions.join(', ')}</td>
            <td>${r.gtinPrefixes.join(', ')}</td>
            <td>${r.validFrom} to ${r.validUntil}</td>
          </tr>`,
      )}
    </table>`;
}

function auditSection({ audit }: EvidenceBundle): Html {
  const { trail, howToVerify: how } = audit;
  const state = trail.ok
    ? 'intact'
    : html`<span class="bad">broken at seq ${trail.firstBadEntry}</span>`;
  return html`<h2>Audit entries</h2>
    <p>
      The entries below verify: ${yesNo(audit.verifies)}. The whole trail: ${trail.entries} entries,
      ${state}; its head when this bundle was made: seq ${trail.head.seq}, hash
      <span class="hash">${trail.head.hash}</span>.
    </p>
    <table>
      <tr>
        <th>seq</th>
        <th>at</th>
        <th>actor</th>
        <th>action</th>
        <th>object</th>
        <th>recomputes, links</th>
      </tr>
      ${audit.entries.map(
        (e) =>
          html`<tr>
              <td>${e.seq}</td>
              <td>${e.at}</td>
              <td>${e.actor}</td>
              <td>${e.action}</td>
              <td>${e.objectType} ${e.objectId}</td>
              <td>${yesNo(e.hashValid)}, ${yesNo(e.linked)}</td>
            </tr>
            <tr>
              <td colspan="6" class="hash">
                payloadSha256 ${e.payloadSha256}<br />prevHash ${e.prevHash}<br />hash ${e.hash}
              </td>
            </tr>`,
      )}
    </table>
    <h2>How to verify the hashes</h2>
    <p>${how.algorithm}. The fields hashed, in this order:</p>
    <ol>
      ${how.hashedFields.map((f) => html`<li>${f}</li>`)}
    </ol>
    <p>${how.canonicalForm}</p>
    <pre>${how.example}</pre>
    <p>${how.chain}</p>
    <p>${how.payload}</p>`;
}

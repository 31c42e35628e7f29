import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { EVIDENCE_FORMAT, EvidenceBundle, HOW_TO_VERIFY } from './flag-evidence-bundle';
import { FLAG_EXAMPLE } from './flags.dto';

export const evidenceQuerySchema = z.strictObject({
  format: z
    .enum(['json', 'html'], { message: 'must be "json" or "html"' })
    .optional()
    .meta({ example: 'json', description: 'Else chosen by the Accept header.' }),
});

export type EvidenceQuery = z.infer<typeof evidenceQuerySchema>;

export class EvidenceQueryDto extends createZodDto(evidenceQuerySchema) {}

const OPENED_HASH = '8d1f6a2b3c4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8';

// The flag of the flag API's example, whose items the bundle lists with their scans.
const { items: _items, ...flagFields } = FLAG_EXAMPLE;

/** An open flag of a unit no certificate covers: nothing to re-check, no decision yet. */
export const EVIDENCE_EXAMPLE: EvidenceBundle = {
  format: EVIDENCE_FORMAT,
  generatedAt: '2026-11-22T10:00:00.000Z',
  generatedBy: 'key_5c1e9a07b3d24f68',
  flag: { ...flagFields, site: { siteId: 'AMS1', name: 'Amsterdam DC 1', country: 'NL' } },
  items: [
    {
      eventId: '7d3b6f0e-0002',
      gtin: '09506000134352',
      lot: 'XYZ999',
      serial: 'SN0009',
      sscc: '106141412345678908',
      code: '(01)09506000134352(10)XYZ999(21)SN0009',
      reasons: [
        {
          code: 'UNKNOWN_BATCH',
          message: 'no supplier certificate covers GTIN 09506000134352 lot XYZ999',
        },
      ],
      certificateId: null,
      supplierId: null,
      addedAt: '2026-11-22T08:15:04.311Z',
    },
  ],
  timeline: [{ at: '2026-11-22T08:15:04.311Z', what: 'opened with 1 item' }],
  scans: [
    {
      eventId: '7d3b6f0e-0002',
      dockId: 'D1',
      scannerId: 'SCN-7',
      scannedAt: '2026-11-22T08:15:03.902Z',
      direction: 'inbound',
      code: '(01)09506000134352(10)XYZ999(21)SN0009',
      status: 'suspicious',
    },
  ],
  certificates: [],
  clearances: [],
  rights: [],
  decision: null,
  audit: {
    entries: [
      {
        seq: 1190,
        at: '2026-11-22T08:15:04.311Z',
        actor: 'system',
        action: 'flag.opened',
        objectType: 'flag',
        objectId: '3f1c2a9e-8d4b-4e7a-9c61-2b5f0d7e4a18',
        payloadSha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
        prevHash: '0b9c2625dc21ef05f6ad4ddf47c5f203837aa32c9b44e1a3f0a6c1d9c3f2e7a1',
        hash: OPENED_HASH,
        hashValid: true,
        linked: true,
      },
    ],
    trail: {
      ok: true,
      entries: 1201,
      head: { seq: 1201, hash: 'c1a5e0f2b7d94e3a8f61b2c7d0e9a4f3b8c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8' },
    },
    verifies: true,
    howToVerify: HOW_TO_VERIFY,
  },
};

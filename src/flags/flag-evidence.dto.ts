import { z } from 'zod';

export const evidenceQuerySchema = z.strictObject({
  format: z.enum(['json', 'html'], { message: 'must be "json" or "html"' }).optional(),
});

export type EvidenceQuery = z.infer<typeof evidenceQuerySchema>;

import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { Access } from '../auth/access.decorator';
import type { AuditEntry, ChainVerification } from './audit-entry';
import { AuditQuery, auditQuerySchema, fieldErrors } from './audit-query.schema';
import { AuditPage, AuditService } from './audit.service';

/** Entries as the API shows them: `at` as an ISO 8601 string. */
export type AuditEntryBody = Omit<AuditEntry, 'at'> & { at: string };

@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Access('admin', 'auditor')
  async list(
    @Query() query: Record<string, unknown>,
  ): Promise<{ items: AuditEntryBody[]; nextCursor: number | null }> {
    const page: AuditPage = await this.audit.list(parseQuery(query));
    return { items: page.items.map(toBody), nextCursor: page.nextCursor };
  }

  @Get('verify')
  @Access('admin', 'auditor')
  verify(): Promise<ChainVerification> {
    return this.audit.verify();
  }
}

function parseQuery(query: Record<string, unknown>): AuditQuery {
  const result = auditQuerySchema.safeParse(query);
  if (result.success) return result.data;
  const details = fieldErrors(result.error.issues);
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: details.map((d) => `${d.field}: ${d.message}`).join('; '),
    details,
  });
}

function toBody(entry: AuditEntry): AuditEntryBody {
  return { ...entry, at: entry.at.toISOString() };
}

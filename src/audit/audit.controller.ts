import {
  BadRequestException,
  Controller,
  Get,
  HttpStatus,
  PipeTransform,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access } from '../auth/access.decorator';
import type { AuditEntry, ChainVerification } from './audit-entry';
import { AuditQuery, auditQuerySchema, fieldErrors } from './audit-query.schema';
import { AuditPageDto, AuditQueryDto, ChainVerificationDto } from './audit.dto';
import { AuditPage, AuditService } from './audit.service';

/** Entries as the API shows them: `at` as an ISO 8601 string. */
export type AuditEntryBody = Omit<AuditEntry, 'at'> & { at: string };

/** The audit trail's own 400: each unknown parameter is named as a field of its own. */
class AuditQueryPipe implements PipeTransform<unknown, AuditQuery> {
  transform(query: unknown): AuditQuery {
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
}

@ApiTags('Audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'List audit entries, oldest first, filtered' })
  @ApiResponse({ status: HttpStatus.OK, type: AuditPageDto })
  @ApiErrorResponses(400)
  @Access('admin', 'auditor')
  async list(
    @Query(new AuditQueryPipe()) query: AuditQueryDto,
  ): Promise<{ items: AuditEntryBody[]; nextCursor: number | null }> {
    const page: AuditPage = await this.audit.list(query);
    return { items: page.items.map(toBody), nextCursor: page.nextCursor };
  }

  @Get('verify')
  @ApiOperation({ summary: 'Verify the hash chain of the whole audit trail' })
  @ApiResponse({ status: HttpStatus.OK, type: ChainVerificationDto })
  @Access('admin', 'auditor')
  verify(): Promise<ChainVerification> {
    return this.audit.verify();
  }
}

function toBody(entry: AuditEntry): AuditEntryBody {
  return { ...entry, at: entry.at.toISOString() };
}

import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { ZodPipe } from '../common/zod-body.pipe';
import { Access, CurrentPrincipal } from './access.decorator';
import { ApiKeyViewDto, IssuedApiKeyDto, IssueApiKeyDto, issueApiKeySchema } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';
import type { Principal } from './principal';

@ApiTags('API keys')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Issue an API key (shown once)' })
  @ApiResponse({ status: HttpStatus.CREATED, type: IssuedApiKeyDto })
  @ApiErrorResponses(400)
  @Access('admin')
  issue(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(issueApiKeySchema)) body: IssueApiKeyDto,
  ) {
    return this.apiKeys.issue(principal, body);
  }

  @Delete(':keyId')
  @ApiOperation({ summary: 'Revoke an API key, at once for HTTP and new broker connections' })
  @ApiParam({ name: 'keyId', example: 'key_5c1e9a07b3d24f68' })
  @ApiResponse({ status: HttpStatus.OK, type: ApiKeyViewDto })
  @ApiErrorResponses(400, 404)
  @Access('admin')
  @HttpCode(HttpStatus.OK)
  revoke(@CurrentPrincipal() principal: Principal, @Param('keyId') keyId: string) {
    return this.apiKeys.revoke(principal, keyId);
  }
}

import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ZodPipe } from '../common/zod-body.pipe';
import { Access, CurrentPrincipal } from './access.decorator';
import { IssueApiKey, issueApiKeySchema } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';
import type { Principal } from './principal';

@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Access('admin')
  issue(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(issueApiKeySchema)) body: IssueApiKey,
  ) {
    return this.apiKeys.issue(principal, body);
  }

  @Delete(':keyId')
  @Access('admin')
  @HttpCode(HttpStatus.OK)
  revoke(@CurrentPrincipal() principal: Principal, @Param('keyId') keyId: string) {
    return this.apiKeys.revoke(principal, keyId);
  }
}

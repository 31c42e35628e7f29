import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { Access, CurrentPrincipal } from '../../auth/access.decorator';
import type { Principal } from '../../auth/principal';
import { RegisterWebhookPipe } from './register-webhook.pipe';
import type { RegisterWebhook } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

/** The guard confines a `wms` key to the sites it names in the path. */
@Controller('api/v1')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** 201 with the secret, shown this once. */
  @Post('sites/:siteId/webhooks')
  @Access('admin', 'wms')
  register(
    @CurrentPrincipal() principal: Principal,
    @Param('siteId') siteId: string,
    @Body(RegisterWebhookPipe) body: RegisterWebhook,
  ) {
    return this.webhooks.register(principal, siteId, body);
  }

  @Get('webhooks')
  @Access('admin')
  list() {
    return this.webhooks.list();
  }

  @Delete('sites/:siteId/webhooks/:endpointId')
  @Access('admin', 'wms')
  @HttpCode(HttpStatus.OK)
  remove(
    @CurrentPrincipal() principal: Principal,
    @Param('siteId') siteId: string,
    @Param('endpointId') endpointId: string,
  ) {
    return this.webhooks.remove(principal, siteId, endpointId);
  }
}

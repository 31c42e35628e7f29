import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../../auth/access.decorator';
import type { Principal } from '../../auth/principal';
import { RegisterWebhookPipe } from './register-webhook.pipe';
import {
  RegisteredWebhookDto,
  RegisterWebhookDto,
  WebhookEndpointStateDto,
  WebhookEndpointViewDto,
} from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

const SITE_ID = { name: 'siteId', example: 'AMS1' };

/** The guard confines a `wms` key to the sites it names in the path. */
@ApiTags('WMS webhooks')
@Controller('api/v1')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** 201 with the secret, shown this once. */
  @Post('sites/:siteId/webhooks')
  @ApiOperation({
    summary: "Register a URL for a site's WMS messages (holds, releases, quarantines)",
    description:
      'Deliveries are signed per Standard Webhooks with the secret, retried with back-off, and ' +
      'kept in order per flag. The secret is shown this once.',
  })
  @ApiParam(SITE_ID)
  @ApiResponse({ status: HttpStatus.CREATED, type: RegisteredWebhookDto })
  @ApiErrorResponses(400, 404, 409)
  @Access('admin', 'wms')
  register(
    @CurrentPrincipal() principal: Principal,
    @Param('siteId') siteId: string,
    @Body(RegisterWebhookPipe) body: RegisterWebhookDto,
  ) {
    return this.webhooks.register(principal, siteId, body);
  }

  @Get('webhooks')
  @ApiOperation({ summary: 'List every webhook with its delivery state' })
  @ApiResponse({ status: HttpStatus.OK, type: [WebhookEndpointStateDto] })
  @Access('admin')
  list() {
    return this.webhooks.list();
  }

  @Delete('sites/:siteId/webhooks/:endpointId')
  @ApiOperation({ summary: 'Remove a webhook; its undelivered messages are dropped' })
  @ApiParam(SITE_ID)
  @ApiParam({ name: 'endpointId', example: 'wh_9c41d2e07a3b5f18' })
  @ApiResponse({ status: HttpStatus.OK, type: WebhookEndpointViewDto })
  @ApiErrorResponses(400, 404)
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

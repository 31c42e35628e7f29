import {
  Controller,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Param,
  Post,
  Req,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request } from 'express';
import { ApiErrorResponses, ErrorBody } from '../api-docs/error-responses';
import { Access } from '../auth/access.decorator';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import type { Verdict } from '../verification/verdict';
import { MAX_MESSAGE_BYTES } from './decode-scan-message';
import { IngestionService, ShuttingDownError } from './ingestion.service';
import { readCappedBody } from './read-capped-body';
import { ScanUploadDto, VerdictDto } from './scans.dto';

/** The HTTP fallback for scanners: the same decoding, commit and verdicts as over MQTT. */
@ApiTags('Scans')
@Controller('api/v1/sites/:siteId/docks/:dockId/scans')
export class ScansController {
  constructor(
    private readonly ingestion: IngestionService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Submit scans from a dock (the HTTP fallback for MQTT)',
    description:
      'One scan event or an array of up to 500, at most 1 MiB; verdicts as published on the ' +
      "dock's verdicts topic. A message DockProof cannot use is kept as rejected and answered 400 " +
      '(413 when too large) with the rejected verdict in `details.verdict`.',
  })
  @ApiParam({ name: 'siteId', example: 'AMS1' })
  @ApiParam({ name: 'dockId', example: 'D1' })
  @ApiBody({ type: ScanUploadDto })
  @ApiResponse({ status: HttpStatus.OK, type: VerdictDto })
  @ApiResponse({
    status: HttpStatus.BAD_REQUEST,
    type: ErrorBody,
    description: 'DockProof cannot use the message: it is kept, and its verdict is `rejected`.',
    example: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'scannedAt: is required',
      details: {
        verdict: {
          eventId: '7d3b6f0e-0001',
          status: 'rejected',
          reasons: [{ code: 'INVALID_PAYLOAD', message: 'scannedAt: is required' }],
          flagId: null,
          verifiedAt: '2026-11-22T08:15:02.131Z',
        },
      },
    },
  })
  @ApiErrorResponses(413, 503)
  @Access('scanner')
  @Throttle({ default: { limit: 2000, ttl: 1000 } })
  @HttpCode(HttpStatus.OK)
  async upload(
    @Param('siteId') siteId: string,
    @Param('dockId') dockId: string,
    @Req() req: Request,
  ): Promise<Verdict | Verdict[]> {
    const body = await readCappedBody(req, MAX_MESSAGE_BYTES + 1);
    const outcome = await this.ingestion
      .submit({
        source: 'http',
        topic: `${this.settings.MQTT_TOPIC_PREFIX}sites/${siteId}/docks/${dockId}/scans`,
        payload: body.head,
        totalBytes: body.totalBytes,
        sha256: body.sha256,
        receivedAt: new Date(),
      })
      .catch((error: unknown) => {
        if (error instanceof ShuttingDownError)
          throw new ServiceUnavailableException(error.message);
        throw error;
      });
    if (outcome.isArray) return outcome.verdicts;
    const [verdict] = outcome.verdicts;
    if (verdict.status === 'rejected') {
      const status =
        body.totalBytes > MAX_MESSAGE_BYTES ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.BAD_REQUEST;
      throw new HttpException(
        {
          statusCode: status,
          error: status === HttpStatus.BAD_REQUEST ? 'Bad Request' : 'Payload Too Large',
          message: verdict.reasons[0].message,
          details: { verdict },
        },
        status,
      );
    }
    return verdict;
  }
}

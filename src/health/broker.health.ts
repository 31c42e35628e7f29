import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MessageBus } from '../broker/message-bus';

/** Up when every broker connection is up and subscribed (or the embedded broker listens). */
@Injectable()
export class BrokerHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly bus: MessageBus,
  ) {}

  isReady<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const { ready, mode, detail } = this.bus.status();
    const check = this.indicators.check(key);
    return ready ? check.up({ mode, ...detail }) : check.down({ mode, ...detail });
  }
}

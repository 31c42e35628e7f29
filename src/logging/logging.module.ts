import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { SETTINGS } from '../config/config.module';
import type { Settings } from '../config/settings';
import { loggerParams } from './logger-params';

/** Structured logs: every Nest logger and each HTTP request, as JSON lines with correlation ids. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [SETTINGS],
      useFactory: (settings: Settings) => loggerParams(settings),
    }),
  ],
})
export class LoggingModule {}

import { Inject, Injectable, PipeTransform } from '@nestjs/common';
import { ZodPipe } from '../../common/zod-body.pipe';
import { SETTINGS } from '../../config/config.module';
import type { Settings } from '../../config/settings';
import { RegisterWebhook, registerWebhookSchema } from './webhooks.dto';

/** The body of a registration; a pipe with injection because the URL rules depend on a setting. */
@Injectable()
export class RegisterWebhookPipe implements PipeTransform<unknown, RegisterWebhook> {
  private readonly pipe: ZodPipe<ReturnType<typeof registerWebhookSchema>>;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.pipe = new ZodPipe(registerWebhookSchema(settings.WEBHOOK_ALLOW_PRIVATE_TARGETS));
  }

  transform(value: unknown): RegisterWebhook {
    return this.pipe.transform(value);
  }
}

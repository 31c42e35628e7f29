import { Controller, Get, Logger, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/access.decorator';

/** Beside this file both under ts-jest (src/) and after `nest build` (assets copied to dist/). */
const PUBLIC_DIR = join(__dirname, 'public');
const SERVED = new Set(readdirSync(PUBLIC_DIR).filter((file) => /\.(html|css|js)$/.test(file)));

/**
 * Stricter than helmet's default (no inline styles, nothing may submit a form, so a key typed
 * while the script failed to load never lands in a URL), and without `upgrade-insecure-requests`,
 * which would break the console on a dock's plain-HTTP LAN address.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The supervisor console: static files only; it signs in to the API with the supervisor's key. */
@Controller('console')
export class ConsoleController {
  private readonly logger = new Logger(ConsoleController.name);

  @Get()
  @Public()
  page(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get(':file')
  @Public()
  file(@Param('file') file: string, @Res() res: Response): void {
    if (!SERVED.has(file)) throw new NotFoundException(`the console has no file ${file}`);
    this.send(res, file);
  }

  private send(res: Response, file: string): void {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    // Revalidate each time (ETag), so a tablet never keeps last release's script.
    res.sendFile(join(PUBLIC_DIR, file), { headers: { 'Cache-Control': 'no-cache' } }, (error) => {
      // Once headers are out, an error is a client that went away mid-file: nothing to tell.
      if (!error || res.headersSent) return;
      this.logger.error(`sending console file ${file}: ${error.message}`);
      res.status(500).end();
    });
  }
}

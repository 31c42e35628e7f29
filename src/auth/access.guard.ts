import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCESS_KEY, AccessRule } from './access.decorator';
import { ApiKeysService } from './api-keys.service';
import type { Principal } from './principal';
import { SITE_SCOPED_ROLES } from './roles';

/**
 * The one place HTTP access is decided: the key (401 when missing, unknown or revoked), its role
 * (403) and the scope a route names in its path (403).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    if (!rule) {
      this.logger.error(`${req.method} ${req.path} has no access rule; refusing it`);
      throw new ForbiddenException('this endpoint has no access rule');
    }
    if (rule.public) return true;
    const principal = await this.authenticate(req);
    req.principal = principal;
    if (!rule.roles.includes(principal.role)) {
      throw new ForbiddenException(`a ${principal.role} key may not do this`);
    }
    assertPathScope(principal, req.params as Record<string, string | undefined>);
    return true;
  }

  private async authenticate(req: Request): Promise<Principal> {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/i.exec(header);
    const principal = match ? await this.apiKeys.authenticate(match[1]) : null;
    if (!principal)
      throw new UnauthorizedException('a valid API key is required (Authorization: Bearer <key>)');
    return principal;
  }
}

function assertPathScope(principal: Principal, params: Record<string, string | undefined>): void {
  const { siteId, supplierId } = params;
  if (siteId !== undefined && SITE_SCOPED_ROLES.includes(principal.role)) {
    if (!principal.siteIds.includes(siteId))
      throw new ForbiddenException(`this key is not for site ${siteId}`);
  }
  if (
    supplierId !== undefined &&
    principal.role === 'supplier' &&
    principal.supplierId !== supplierId
  ) {
    throw new ForbiddenException(`this key is not for supplier ${supplierId}`);
  }
}

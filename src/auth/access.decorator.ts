import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { API_KEY_SCHEME, ApiErrorResponses } from '../api-docs/error-responses';
import type { Principal } from './principal';
import { Role, SITE_SCOPED_ROLES } from './roles';

export const ACCESS_KEY = 'dockproof:access';

export type AccessRule = { public: true } | { public?: false; roles: Role[] };

/**
 * The roles allowed on a handler. The guard also enforces the scope a route names: a `:siteId`
 * parameter must be one of a site-scoped key's sites, a `:supplierId` the supplier key's own.
 * Every handler must carry `@Access` or `@Public`; one without is refused.
 *
 * The API document shows the same rule: `x-roles`, `x-scope`, the bearer key, 401, 403 and 429
 * (the per-key rate limit applies to every guarded route).
 */
export const Access = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { roles } satisfies AccessRule),
    ApiBearerAuth(API_KEY_SCHEME),
    ApiExtension('x-roles', roles),
    ApiExtension('x-scope', scopeRule(roles)),
    ApiErrorResponses(401, 403, 429),
  );

export const Public = () => SetMetadata(ACCESS_KEY, { public: true } satisfies AccessRule);

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);

/** The guard's scope rule, in words, for the roles of one route. */
function scopeRule(roles: Role[]): string {
  return roles
    .map((role) => {
      if (SITE_SCOPED_ROLES.includes(role))
        return `${role}: only the sites of its key (a \`siteId\` in the path or query must be one of them)`;
      if (role === 'supplier')
        return `${role}: only its own supplier (a \`supplierId\` in the path or body must be its own)`;
      return `${role}: every site and supplier`;
    })
    .join('; ');
}

import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal';
import type { Role } from './roles';

export const ACCESS_KEY = 'dockproof:access';

export type AccessRule = { public: true } | { public?: false; roles: Role[] };

/**
 * The roles allowed on a handler. The guard also enforces the scope a route names: a `:siteId`
 * parameter must be one of a site-scoped key's sites, a `:supplierId` the supplier key's own.
 * Every handler must carry `@Access` or `@Public`; one without is refused.
 */
export const Access = (...roles: Role[]) => SetMetadata(ACCESS_KEY, { roles } satisfies AccessRule);

export const Public = () => SetMetadata(ACCESS_KEY, { public: true } satisfies AccessRule);

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);

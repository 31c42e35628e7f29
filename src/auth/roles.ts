export const ROLES = [
  'admin',
  'compliance',
  'supplier',
  'supervisor',
  'scanner',
  'wms',
  'auditor',
  'partner',
] as const;

export type Role = (typeof ROLES)[number];

/** Roles whose keys are limited to a list of sites. */
export const SITE_SCOPED_ROLES: readonly Role[] = ['supervisor', 'scanner', 'wms'];

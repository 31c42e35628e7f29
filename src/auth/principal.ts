import type { Role } from './roles';

/** Who is calling: the API key's id, role and scope. */
export interface Principal {
  keyId: string;
  role: Role;
  /** Set for `supplier` keys only. */
  supplierId: string | null;
  /** Set for `supervisor`, `scanner` and `wms` keys. */
  siteIds: string[];
}

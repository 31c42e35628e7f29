import { CreateScans1795456800000 } from './1795456800000-CreateScans';
import { CreateCertificates1795456800001 } from './1795456800001-CreateCertificates';
import { CreateAccessControl1795456800002 } from './1795456800002-CreateAccessControl';
import { CreateAuditTrail1795456800003 } from './1795456800003-CreateAuditTrail';
import { ExtendCertificates1795456800004 } from './1795456800004-ExtendCertificates';
import { CreateRightsClearancesManifests1795456800005 } from './1795456800005-CreateRightsClearancesManifests';
import { CreateUnitMovements1795456800006 } from './1795456800006-CreateUnitMovements';
import { CreateFlagsAndOutbox1795456800007 } from './1795456800007-CreateFlagsAndOutbox';
import { CreateWebhooks1795456800008 } from './1795456800008-CreateWebhooks';
import { DropUnusedScanIndex1795456800009 } from './1795456800009-DropUnusedScanIndex';
import { PartitionScansByMonth1795456800010 } from './1795456800010-PartitionScansByMonth';
import { DropUnitsInByBatchIndex1795456800011 } from './1795456800011-DropUnitsInByBatchIndex';
import { PrepareWmsRetention1795456800012 } from './1795456800012-PrepareWmsRetention';

/** Every migration, in order; listed explicitly so the compiled app and ts-jest load the same set. */
export const migrations = [
  CreateScans1795456800000,
  CreateCertificates1795456800001,
  CreateAccessControl1795456800002,
  CreateAuditTrail1795456800003,
  ExtendCertificates1795456800004,
  CreateRightsClearancesManifests1795456800005,
  CreateUnitMovements1795456800006,
  CreateFlagsAndOutbox1795456800007,
  CreateWebhooks1795456800008,
  DropUnusedScanIndex1795456800009,
  PartitionScansByMonth1795456800010,
  DropUnitsInByBatchIndex1795456800011,
  PrepareWmsRetention1795456800012,
];

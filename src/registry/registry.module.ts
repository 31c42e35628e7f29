import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ClearancesController } from './clearances.controller';
import { IpLookup } from './ip-lookup';
import { IpRightsController } from './ip-rights.controller';
import { IpRightsService } from './ip-rights.service';
import { RegistryService } from './registry.service';
import { SitesController } from './sites.controller';
import { SuppliersController } from './suppliers.controller';

@Module({
  imports: [AuditModule],
  controllers: [SitesController, SuppliersController, IpRightsController, ClearancesController],
  providers: [RegistryService, IpRightsService, IpLookup],
  exports: [IpLookup],
})
export class RegistryModule {}

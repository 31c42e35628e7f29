import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RegistryService } from './registry.service';
import { SitesController } from './sites.controller';
import { SuppliersController } from './suppliers.controller';

@Module({
  imports: [AuditModule],
  controllers: [SitesController, SuppliersController],
  providers: [RegistryService],
})
export class RegistryModule {}

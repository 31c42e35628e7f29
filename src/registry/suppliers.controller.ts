import { Body, Controller, Get, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import {
  CreateSupplier,
  createSupplierSchema,
  UpdateSupplier,
  updateSupplierSchema,
} from './registry.dto';
import { RegistryService } from './registry.service';
import type { SupplierRisk } from './supplier-risk';

@Controller('api/v1/suppliers')
export class SuppliersController {
  constructor(private readonly registry: RegistryService) {}

  /** 201 when created, 200 when the same supplier was already there. */
  @Post()
  @Access('admin', 'compliance')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createSupplierSchema)) body: CreateSupplier,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateSupplier> {
    const { created, value } = await this.registry.createSupplier(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }

  @Get(':supplierId')
  @Access('admin', 'compliance', 'supplier')
  get(@Param('supplierId') supplierId: string): Promise<CreateSupplier & { risk: SupplierRisk }> {
    return this.registry.getSupplier(supplierId);
  }

  @Patch(':supplierId')
  @Access('admin', 'compliance')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('supplierId') supplierId: string,
    @Body(new ZodPipe(updateSupplierSchema)) body: UpdateSupplier,
  ): Promise<CreateSupplier> {
    return this.registry.updateSupplier(principal, supplierId, body);
  }
}

import { Body, Controller, Get, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses } from '../api-docs/error-responses';
import { Access, CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod-body.pipe';
import {
  CreateSupplier,
  CreateSupplierDto,
  createSupplierSchema,
  SupplierWithRiskDto,
  UpdateSupplierDto,
  updateSupplierSchema,
} from './registry.dto';
import { RegistryService } from './registry.service';
import type { SupplierRisk } from './supplier-risk';

const SUPPLIER_ID = { name: 'supplierId', example: 'ACME' };

@ApiTags('Registry')
@Controller('api/v1/suppliers')
export class SuppliersController {
  constructor(private readonly registry: RegistryService) {}

  /** 201 when created, 200 when the same supplier was already there. */
  @Post()
  @ApiOperation({ summary: 'Register a supplier with the public key of its certificates' })
  @ApiResponse({
    status: HttpStatus.CREATED,
    type: CreateSupplierDto.Output,
    description: 'Created.',
  })
  @ApiResponse({
    status: HttpStatus.OK,
    type: CreateSupplierDto.Output,
    description: 'Already there.',
  })
  @ApiErrorResponses(400, 409)
  @Access('admin', 'compliance')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createSupplierSchema)) body: CreateSupplierDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateSupplier> {
    const { created, value } = await this.registry.createSupplier(principal, body);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return value;
  }

  @Get(':supplierId')
  @ApiOperation({ summary: 'Read a supplier with its risk score' })
  @ApiParam(SUPPLIER_ID)
  @ApiResponse({ status: HttpStatus.OK, type: SupplierWithRiskDto })
  @ApiErrorResponses(400, 404)
  @Access('admin', 'compliance', 'supplier')
  get(@Param('supplierId') supplierId: string): Promise<CreateSupplier & { risk: SupplierRisk }> {
    return this.registry.getSupplier(supplierId);
  }

  @Patch(':supplierId')
  @ApiOperation({
    summary: 'Change a supplier: name, country, key, or suspend it',
    description: "A suspended supplier's units are flagged at every dock.",
  })
  @ApiParam(SUPPLIER_ID)
  @ApiResponse({ status: HttpStatus.OK, type: CreateSupplierDto.Output })
  @ApiErrorResponses(400, 404)
  @Access('admin', 'compliance')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('supplierId') supplierId: string,
    @Body(new ZodPipe(updateSupplierSchema)) body: UpdateSupplierDto,
  ): Promise<CreateSupplier> {
    return this.registry.updateSupplier(principal, supplierId, body);
  }
}

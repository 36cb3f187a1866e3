import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { FindingCreatedDto, UserDto, WorkOrderPhotoDto } from '@estate-watch/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { UploadedPhoto } from './finding-photos';
import { FindingsService } from './findings.service';
import { PhotoUploadInterceptor } from './photo-upload.interceptor';

@ApiTags('guard')
@Controller('api')
export class FindingsController {
  constructor(private readonly findings: FindingsService) {}

  @Post('guard/findings')
  @Roles('guard')
  @UseInterceptors(PhotoUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Report a finding at a checkpoint: fields text, category, checkpointId and up to 4 `photos` (JPEG, PNG or WebP, 8 MB each); becomes an inspection work order',
  })
  report(@CurrentUser() user: UserDto, @Req() request: Request & { files?: UploadedPhoto[] }): Promise<FindingCreatedDto> {
    return this.findings.report(user, request.body, request.files ?? []);
  }

  @Get('work-orders/:id/photos')
  @Roles('operator')
  @ApiOperation({ summary: "A work order's photos (a guard's finding), oldest first" })
  photos(@Param('id', ParseUUIDPipe) id: string): Promise<WorkOrderPhotoDto[]> {
    return this.findings.photos(id);
  }

  @Get('work-orders/:id/photos/:photoId')
  @Roles('operator')
  @ApiOperation({ summary: 'One photo of a work order, as stored' })
  async photo(@Param('id', ParseUUIDPipe) id: string, @Param('photoId', ParseUUIDPipe) photoId: string, @Res() res: Response): Promise<void> {
    const photo = await this.findings.photo(id, photoId);
    res.setHeader('Content-Type', photo.contentType);
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(photo.data);
  }
}

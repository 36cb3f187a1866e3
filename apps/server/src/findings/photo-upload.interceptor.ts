/// <reference path="./multer.d.ts" />
// multipart/form-data for a finding (issue 12 point 8): a phone sends its camera's photos as files,
// not as base64 in JSON (a third larger, and held whole in a string). multer keeps them in memory
// within hard limits, so an oversized upload is cut off while it streams, before it is buffered.
import { BadRequestException, Injectable, PayloadTooLargeException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer from 'multer';
import { Observable } from 'rxjs';
import { FINDING_MAX_PHOTO_BYTES, FINDING_MAX_PHOTOS } from '@estate-watch/contracts';

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: FINDING_MAX_PHOTO_BYTES, files: FINDING_MAX_PHOTOS, fields: 10, fieldSize: 16 * 1024, parts: FINDING_MAX_PHOTOS + 10 },
}).array('photos', FINDING_MAX_PHOTOS);

@Injectable()
export class PhotoUploadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    return new Observable((subscriber) => {
      upload(request, response, (error: unknown) => {
        if (error) return subscriber.error(toHttpError(error));
        next.handle().subscribe(subscriber);
      });
    });
  }
}

function toHttpError(error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === 'LIMIT_FILE_SIZE') return new PayloadTooLargeException(`photos: each photo at most ${FINDING_MAX_PHOTO_BYTES / 1024 / 1024} MB`);
  if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE') return new BadRequestException(`photos: at most ${FINDING_MAX_PHOTOS} photos, sent as the "photos" field`);
  if (code?.startsWith('LIMIT_')) return new BadRequestException(`form: ${(error as Error).message}`);
  return new BadRequestException(`form: ${(error as Error).message ?? 'not multipart/form-data'}`);
}

import { Inject, Injectable } from '@nestjs/common';
import type { FindingPhotoType } from '@estate-watch/contracts';
import { DATABASE, type Database } from '../db/database';
import type { CheckedPhoto } from './finding-photos';

export interface PhotoRow {
  id: string;
  workOrderId: string;
  contentType: FindingPhotoType;
  bytes: number;
  createdAt: Date;
  createdBy: string;
}

const COLUMNS = `id, work_order_id AS "workOrderId", content_type AS "contentType", bytes, created_at AS "createdAt", created_by AS "createdBy"`;

/** The only SQL on work_order_photos (migration 015). */
@Injectable()
export class FindingsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async addPhotos(workOrderId: string, photos: readonly CheckedPhoto[], at: Date, by: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const photo of photos) {
        await tx.query('INSERT INTO work_order_photos (work_order_id, content_type, bytes, data, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [
          workOrderId,
          photo.contentType,
          photo.data.length,
          photo.data,
          at,
          by,
        ]);
      }
    });
  }

  async photos(workOrderId: string): Promise<PhotoRow[]> {
    return this.db.query<PhotoRow>(`SELECT ${COLUMNS} FROM work_order_photos WHERE work_order_id = $1 ORDER BY created_at, id`, [workOrderId]);
  }

  async photo(workOrderId: string, photoId: string): Promise<{ contentType: FindingPhotoType; data: Buffer } | undefined> {
    const [row] = await this.db.query<{ contentType: FindingPhotoType; data: Uint8Array }>(
      'SELECT content_type AS "contentType", data FROM work_order_photos WHERE work_order_id = $1 AND id = $2',
      [workOrderId, photoId],
    );
    return row && { contentType: row.contentType, data: Buffer.from(row.data) };
  }
}

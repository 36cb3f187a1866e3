// The only SQL on the settings table from auth. A value is written once and then shared by every
// instance on the database: the first writer wins and everyone reads what it wrote.
import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Queryable } from '../db/database';

@Injectable()
export class SettingsRepository {
  constructor(@Inject(DATABASE) private readonly db: Queryable) {}

  async getOrInsert(key: string, candidate: string): Promise<string> {
    await this.db.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, candidate]);
    const rows = await this.db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0].value;
  }
}

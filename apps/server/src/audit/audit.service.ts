import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuditPageDto, AuditQuery } from '@estate-watch/contracts';
import { CLOCK, type Clock } from '../common/clock';
import { AuditRepository, type NewAuditEntry } from './audit.repository';

/** Issue 8 point 9: who did what, when, from where. Written before the action's answer goes out. */
@Injectable()
export class AuditService {
  private readonly log = new Logger(AuditService.name);

  constructor(
    private readonly repository: AuditRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Never throws: the action it records has already happened, and failing its answer would not
   * undo it. A lost entry is logged as an error, loudly, with what it would have said.
   */
  async record(entry: Omit<NewAuditEntry, 'at'>): Promise<void> {
    try {
      await this.repository.insert({ ...entry, at: this.clock.now() });
    } catch (error) {
      this.log.error(`audit entry lost (${(error as Error).message}): ${JSON.stringify(entry)}`);
    }
  }

  page(query: AuditQuery): Promise<AuditPageDto> {
    return this.repository.page(query);
  }
}

import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  FINDING_DEFAULT_DEPARTMENT,
  FindingFieldsSchema,
  type FindingCategory,
  type FindingCreatedDto,
  type FindingFields,
  type SiteConfig,
  type UserDto,
  type WorkOrderPhotoDto,
} from '@estate-watch/contracts';
import { CLOCK, type Clock } from '../common/clock';
import { guardOf } from '../patrol/guard-today.service';
import { SitesService } from '../sites/sites.service';
import { WorkOrdersService } from '../work-orders/work-orders.service';
import { checkPhotos, type UploadedPhoto } from './finding-photos';
import { FindingsRepository } from './findings.repository';

const CATEGORY_LABEL: Readonly<Record<FindingCategory, string>> = {
  safety: '安全隐患',
  fire: '消防隐患',
  facility: '设施损坏',
  cleaning: '环境卫生',
  parking: '车辆停放',
  other: '其他',
};

/**
 * Which department a finding goes to: the site's `routing: { finding.<category>: … }`, else the
 * category's default when the site has it, else the department of the route the checkpoint is on
 * (the guard's own), else the site's first department.
 */
export function findingDepartment(site: SiteConfig, category: FindingCategory, checkpointId: string): string {
  const ids = new Set(site.departments.map((d) => d.id));
  const routed = (site.routing as Record<string, string | undefined>)[`finding.${category}`];
  if (routed && ids.has(routed)) return routed;
  const fallback = FINDING_DEFAULT_DEPARTMENT[category];
  if (fallback !== 'route' && ids.has(fallback)) return fallback;
  const route = site.routes.find((r) => r.checkpoints.some((c) => c.checkpoint === checkpointId));
  return route && ids.has(route.department) ? route.department : site.departments[0]!.id;
}

/** A guard's finding at a checkpoint → an `inspection` work order (CONTRACT §5: found on patrol) with its photos. */
@Injectable()
export class FindingsService {
  constructor(
    private readonly workOrders: WorkOrdersService,
    private readonly repo: FindingsRepository,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async report(user: UserDto, fields: unknown, uploads: readonly UploadedPhoto[]): Promise<FindingCreatedDto> {
    const { site, guard } = guardOf(user, this.sites);
    const body = parseFields(fields);
    const checkpoint = site.checkpoints.find((c) => c.id === body.checkpointId);
    if (!checkpoint) throw new BadRequestException(`checkpointId: site ${site.site.id} has no checkpoint "${body.checkpointId}"`);
    const checked = checkPhotos(uploads);
    if (!checked.ok) throw new BadRequestException(checked.problem);
    const department = findingDepartment(site, body.category, checkpoint.id);
    const order = await this.workOrders.create(
      {
        source: 'inspection',
        siteId: site.site.id,
        department,
        title: `巡更发现：${CATEGORY_LABEL[body.category]} · ${checkpoint.name}`.slice(0, 100),
        description: `${body.text}\n\n—— ${guard.name}（${guard.id}）在 ${checkpoint.name}（${checkpoint.id}）上报${checked.photos.length ? `，附照片 ${checked.photos.length} 张` : ''}`.slice(0, 2000),
      },
      user.username,
    );
    if (checked.photos.length > 0) {
      await this.repo.addPhotos(order.id, checked.photos, this.clock.now(), user.username);
      // Pushed again with its photos stored, so a control room that opened it at once shows them.
      await this.workOrders.emit(order.id);
    }
    return { workOrderId: order.id, number: order.number, department, departmentName: site.departments.find((d) => d.id === department)!.name, photos: checked.photos.length };
  }

  async photos(workOrderId: string): Promise<WorkOrderPhotoDto[]> {
    await this.workOrders.get(workOrderId); // 404 for an order that does not exist
    return (await this.repo.photos(workOrderId)).map((p) => ({
      id: p.id,
      workOrderId: p.workOrderId,
      contentType: p.contentType,
      bytes: p.bytes,
      createdAt: new Date(p.createdAt).toISOString(),
      createdBy: p.createdBy,
      url: `/api/work-orders/${p.workOrderId}/photos/${p.id}`,
    }));
  }

  async photo(workOrderId: string, photoId: string): Promise<{ contentType: string; data: Buffer }> {
    const photo = await this.repo.photo(workOrderId, photoId);
    if (!photo) throw new NotFoundException(`work order ${workOrderId} has no photo ${photoId}`);
    return photo;
  }
}

function parseFields(fields: unknown): FindingFields {
  const parsed = FindingFieldsSchema.safeParse(fields ?? {});
  if (parsed.success) return parsed.data;
  throw new BadRequestException(parsed.error.issues.map((i) => (i.message.includes(':') ? i.message : `${i.path.join('.') || 'body'}: ${i.message}`)).join('; '));
}

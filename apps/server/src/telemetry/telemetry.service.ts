// GET /api/telemetry: resolve the device and the range, then raw points (capped per series) or
// date_bin buckets. Range and step rules: telemetry-range.ts; SQL: telemetry.repository.ts.
import { BadRequestException, Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import {
  stepMs,
  TELEMETRY_MAX_RAW_POINTS,
  type TelemetryBucketDto,
  type TelemetryDto,
  type TelemetryPointDto,
  type TelemetryQuery,
  type TelemetrySeriesDto,
} from '@estate-watch/contracts';
import { CLOCK, type Clock } from '../common/clock';
import { checkBuckets, resolveRange } from './telemetry-range';
import { TelemetryRepository, type DeviceSite } from './telemetry.repository';

export const TELEMETRY_OPTIONS = Symbol('TELEMETRY_OPTIONS');

export interface TelemetryOptions {
  /** Raw points per series (default TELEMETRY_MAX_RAW_POINTS); tests see the cap without 10,000 rows. */
  maxRawPoints?: number;
}

@Injectable()
export class TelemetryService {
  private readonly maxRawPoints: number;

  constructor(
    private readonly repo: TelemetryRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(TELEMETRY_OPTIONS) options: TelemetryOptions | null = null,
  ) {
    this.maxRawPoints = options?.maxRawPoints ?? TELEMETRY_MAX_RAW_POINTS;
  }

  async query(q: TelemetryQuery): Promise<TelemetryDto> {
    const range = resolveRange(q.from, q.to, this.clock.now());
    if (!range.ok) throw new BadRequestException(range.reason);
    const step = q.step === undefined ? undefined : { text: q.step, ms: stepMs(q.step) as number };
    if (step) {
      const tooMany = checkBuckets(range.from, range.to, step.text, step.ms);
      if (tooMany) throw new BadRequestException(tooMany);
    }
    const device = await this.device(q.device, q.site);
    const series = { siteId: device.siteId, deviceId: q.device, metric: q.metric, from: range.from, to: range.to };
    const answer = step
      ? this.bucketSeries(await this.repo.buckets(series, step.ms / 1000, device.timezone))
      : this.rawSeries(await this.repo.raw(series, this.maxRawPoints + 1));
    return {
      device: q.device,
      site: device.siteId,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      step: step?.text ?? null,
      series: answer,
      truncated: answer.some((s) => s.truncated),
      maxPoints: this.maxRawPoints,
    };
  }

  private async device(deviceId: string, siteId: string | undefined): Promise<DeviceSite> {
    const sites = await this.repo.deviceSites(deviceId, siteId);
    if (sites.length === 0) throw new NotFoundException(siteId ? `no device ${deviceId} at site ${siteId}` : `no device ${deviceId}`);
    if (sites.length > 1) {
      throw new BadRequestException(`device ${deviceId} exists at several sites (${sites.map((s) => s.siteId).join(', ')}): add site=`);
    }
    return sites[0] as DeviceSite;
  }

  /** The repository read one point more than the cap per metric: its presence means "truncated". */
  private rawSeries(rows: { metric: string; t: Date; v: number }[]): TelemetrySeriesDto<TelemetryPointDto>[] {
    const out: TelemetrySeriesDto<TelemetryPointDto>[] = [];
    for (const row of rows) {
      let current = out[out.length - 1];
      if (current?.metric !== row.metric) {
        current = { metric: row.metric, points: [], truncated: false };
        out.push(current);
      }
      if (current.points.length < this.maxRawPoints) current.points.push({ t: row.t.toISOString(), v: row.v });
      else current.truncated = true;
    }
    return out;
  }

  private bucketSeries(rows: { metric: string; t: Date; avg: number; min: number; max: number; count: number }[]): TelemetrySeriesDto<TelemetryBucketDto>[] {
    const out: TelemetrySeriesDto<TelemetryBucketDto>[] = [];
    for (const { metric, t, ...values } of rows) {
      let current = out[out.length - 1];
      if (current?.metric !== metric) {
        current = { metric, points: [], truncated: false };
        out.push(current);
      }
      current.points.push({ t: t.toISOString(), ...values });
    }
    return out;
  }
}

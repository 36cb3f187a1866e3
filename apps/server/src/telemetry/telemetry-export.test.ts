import { describe, expect, it } from 'vitest';
import type { TelemetryDto } from '@estate-watch/contracts';
import { telemetryCsv } from './telemetry-export';

const base = { device: 'boiler-1', site: 'lakeside', from: '2026-12-04T00:00:00.000Z', to: '2026-12-04T01:00:00.000Z', truncated: false, maxPoints: 10_000 };

describe(telemetryCsv.name, () => {
  it('raw points: BOM, one row per point in time order, metrics by name, times in the site zone', () => {
    const dto: TelemetryDto = {
      ...base,
      step: null,
      series: [
        { metric: 'temperature_c', truncated: false, points: [{ t: '2026-12-04T00:00:01.000Z', v: 63.5 }, { t: '2026-12-04T00:00:02.000Z', v: -3.5 }] },
        { metric: 'pressure_mpa', truncated: false, points: [{ t: '2026-12-04T00:00:01.000Z', v: 0.44 }] },
      ],
    };
    expect(telemetryCsv(dto, 'Asia/Shanghai')).toBe(
      '\uFEFFsite,device,time zone,time,metric,value\r\n' +
        'lakeside,boiler-1,Asia/Shanghai,2026-12-04 08:00:01,pressure_mpa,0.44\r\n' +
        'lakeside,boiler-1,Asia/Shanghai,2026-12-04 08:00:01,temperature_c,63.5\r\n' +
        'lakeside,boiler-1,Asia/Shanghai,2026-12-04 08:00:02,temperature_c,-3.5\r\n',
    );
  });

  it('buckets: start, step, avg, min, max, count', () => {
    const dto: TelemetryDto = {
      ...base,
      step: '1m',
      series: [{ metric: 'temperature_c', truncated: false, points: [{ t: '2026-12-04T00:01:00.000Z', avg: 63, min: 62, max: 64.5, count: 60 }] }],
    };
    expect(telemetryCsv(dto, 'Europe/Berlin').split('\r\n')).toEqual([
      '\uFEFFsite,device,time zone,bucket start,step,metric,avg,min,max,count',
      'lakeside,boiler-1,Europe/Berlin,2026-12-04 01:01:00,1m,temperature_c,63,62,64.5,60',
      '',
    ]);
  });

  it('no points: the header alone', () => {
    expect(telemetryCsv({ ...base, step: null, series: [] }, 'UTC')).toBe('\uFEFFsite,device,time zone,time,metric,value\r\n');
  });
});

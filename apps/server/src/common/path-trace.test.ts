import { describe, expect, it } from 'vitest';
import { PathTrace } from './path-trace';

describe(PathTrace.name, () => {
  it('writes each stage of a followed alarm with the process CPU time at it, once its alert is emitted', () => {
    const lines: string[] = [];
    let wall = 1000;
    let cpu = 50;
    const trace = new PathTrace(true, (line) => lines.push(line), () => wall, () => cpu);
    const m = { siteId: 's', deviceId: 'd', msgId: 'm1' };
    const alert = { siteId: 's', type: 'equipment.fault', subject: 'd E1' };
    trace.follow(m);
    [wall, cpu] = [1002, 50.5];
    trace.mark(m, 'committed');
    [wall, cpu] = [1003, 51];
    trace.mark(m, 'committed'); // the first time only
    trace.raises(m, alert);
    [wall, cpu] = [1005, 52.25];
    trace.markAlert(alert, 'emitted');
    expect(lines).toHaveLength(1);
    const written = JSON.parse((lines[0] as string).slice('PATH_TRACE '.length)) as { key: string; stages: object; cpu: object };
    expect(written.key).toBe('s/d/m1');
    expect(written.stages).toEqual({ submitted: 1000, committed: 1002, emitted: 1005 });
    expect(written.cpu).toEqual({ submitted: 50, committed: 50.5, emitted: 52.25 });
  });
});

// Response shape of GET /api/patrol/rounds for the OpenAPI document (the type is RoundDto in libs/contracts).
import { CHECKPOINT_OUTCOMES, ROUND_STATUSES, VISIT_FLAGS } from '@estate-watch/contracts';

const instant = { type: 'string', format: 'date-time' };

const RoundCheckpointSchema = {
  type: 'object',
  required: ['checkpointId', 'name', 'x', 'y', 'offsetMin', 'plannedAt', 'windowStart', 'windowEnd', 'outcome', 'taps', 'flags'],
  properties: {
    checkpointId: { type: 'string', example: 'cp-north-gate' },
    name: { type: 'string', example: '北门岗亭' },
    x: { type: 'number' },
    y: { type: 'number' },
    offsetMin: { type: 'integer' },
    plannedAt: { ...instant, description: 'start + offsetMin' },
    windowStart: { ...instant, description: 'plannedAt − tolerance (inclusive)' },
    windowEnd: { ...instant, description: 'plannedAt + tolerance (inclusive)' },
    outcome: { type: 'string', enum: [...CHECKPOINT_OUTCOMES] },
    visitedAt: { ...instant, description: 'device time of the visit that stands (the earliest tap)' },
    guardId: { type: 'string' },
    guardName: { type: 'string' },
    missedAt: { ...instant, description: 'when it was marked missed; kept if a buffered tap turned it' },
    taps: { type: 'integer' },
    flags: { type: 'array', items: { type: 'string', enum: [...VISIT_FLAGS] } },
  },
};

export const RoundSchema = {
  type: 'object',
  required: ['id', 'siteId', 'timezone', 'routeId', 'routeName', 'department', 'localDate', 'startLocal', 'start', 'toleranceMin', 'windowStart', 'windowEnd', 'status', 'compliance', 'checkpoints'],
  properties: {
    id: { type: 'string', example: 'lakeside:day-round:2026-11-27:0930' },
    siteId: { type: 'string' },
    timezone: { type: 'string', example: 'Asia/Shanghai', description: "the site's IANA zone (its file's site.timezone): show the round's times on the site's clock" },
    routeId: { type: 'string' },
    routeName: { type: 'string' },
    department: { type: 'string', description: "one of the site file's departments (CONTRACT §2)" },
    localDate: { type: 'string', format: 'date' },
    startLocal: { type: 'string', example: '09:30' },
    start: instant,
    toleranceMin: { type: 'integer' },
    windowStart: instant,
    windowEnd: instant,
    status: { type: 'string', enum: [...ROUND_STATUSES] },
    compliance: { type: 'number', minimum: 0, maximum: 1, description: 'on-time checkpoints ÷ all checkpoints' },
    checkpoints: { type: 'array', items: RoundCheckpointSchema },
    revision: { type: 'integer', description: 'grows with every stored change; keep the higher one of a push and an answer. Absent on a round not stored yet' },
  },
};

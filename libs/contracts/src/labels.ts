// Issue 10.1 — the one label vocabulary: every enum's display name, per language. The dashboard's
// i18n, the report tables, the printed duty log and the server's zh-CN alert messages all read it
// from here, so one wording is said everywhere. Plain data with type-only imports: the browser
// bundle takes it without zod. labels.test.ts walks every value through every language.
import type { AlertStatus, AlertType } from './alerts';
import type { Role } from './api';
import type { DeviceKind } from './topics';
import type { CONSUMABLES, Severity } from './site-config';
import type { Channel, Priority, VerifiedBy, WorkOrderSourceId, WorkOrderStatusId } from './work-order-constants';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Consumable = (typeof CONSUMABLES)[number];
/** What a work order's timeline entry says happened (staff actions and the system's). */
export type TimelineAction =
  | 'create' | 'dispatch' | 'accept' | 'start' | 'resolve' | 'verify' | 'reopen' | 'close' | 'comment'
  | 'escalate' | 'attach_alert' | 'priority' | 'callback_overdue';

export interface Vocabulary {
  alertType: Record<AlertType, string>;
  severity: Record<Severity, string>;
  /** `clearedUnacked`: cleared, and still nobody acknowledged it (CONTRACT §4). */
  alertStatus: Record<AlertStatus | 'clearedUnacked', string>;
  woStatus: Record<WorkOrderStatusId, string>;
  /** A verified order by how it was verified (issue 12.5): the board's two finished columns, the detail's chip, the reports. */
  woVerifiedBy: Record<VerifiedBy, string>;
  woSource: Record<WorkOrderSourceId, string>;
  woAction: Record<TimelineAction, string>;
  priority: Record<Priority, string>;
  channel: Record<Channel, string>;
  consumable: Record<Consumable, string>;
  deviceKind: Record<DeviceKind, string>;
  role: Record<Role, string>;
  /** Names for the §2 example's department ids, for a site file that gives none in this language. */
  department: Record<string, string>;
  total: string;
}

const zhCN: Vocabulary = {
  alertType: {
    'patrol.missed': '巡更漏检',
    'patrol.late': '巡更迟到',
    'patrol.early': '巡更早到',
    'patrol.out_of_order': '巡更顺序错误',
    'patrol.unknown_card': '未登记卡刷卡',
    'gate.stuck_open': '道闸常开',
    'gate.fault': '道闸故障',
    'parking.full': '车场满位',
    'dispenser.low': '耗材不足',
    'dispenser.empty': '耗材用尽',
    'sensor.threshold': '传感器超限',
    'equipment.fault': '设备故障',
    'device.offline': '设备离线',
    'device.clock_skew': '设备时钟偏差',
  },
  severity: { critical: '紧急', major: '重要', minor: '次要', info: '提示' },
  alertStatus: { active: '待处理', acknowledged: '已确认', cleared: '已恢复', clearedUnacked: '已恢复·待确认' },
  woStatus: {
    new: '新建',
    dispatched: '已派单',
    accepted: '已接单',
    in_progress: '处理中',
    resolved: '已办结',
    verified: '已回访',
    closed: '已关闭',
    reopened: '重新打开',
  },
  woVerifiedBy: { device: '设备确认', callback: '已回访' },
  woSource: { alert: '设备告警', patrol: '巡更', complaint: '投诉报修', inspection: '巡检发现' },
  woAction: {
    create: '创建',
    dispatch: '派单',
    accept: '接单',
    start: '开始处理',
    resolve: '办结',
    verify: '回访',
    reopen: '重新打开',
    close: '关闭',
    comment: '备注',
    escalate: '超时升级',
    attach_alert: '关联告警',
    priority: '调整优先级',
    callback_overdue: '回访逾期',
  },
  priority: { low: '低', normal: '普通', high: '高', urgent: '紧急' },
  channel: { phone: '电话', walk_in: '来访', letter: '来信', staff: '员工转报' },
  consumable: { paper_towel: '擦手纸', toilet_paper: '卫生纸', soap: '洗手液', sanitizer: '消毒液', shoe_cover: '鞋套' },
  deviceKind: { checkpoint: '巡更点', gate: '道闸', dispenser: '耗材机', sensor: '传感器' },
  role: { operator: '值班员', supervisor: '主管', admin: '管理员', guard: '巡更员' },
  department: { security: '安管部', cleaning: '保洁部', engineering: '工程部', parking: '车场', service: '客户服务中心' },
  total: '合计',
};

const en: Vocabulary = {
  alertType: {
    'patrol.missed': 'Checkpoint missed',
    'patrol.late': 'Patrol late',
    'patrol.early': 'Patrol early',
    'patrol.out_of_order': 'Out of route order',
    'patrol.unknown_card': 'Unknown card',
    'gate.stuck_open': 'Gate stuck open',
    'gate.fault': 'Gate fault',
    'parking.full': 'Car park full',
    'dispenser.low': 'Consumable low',
    'dispenser.empty': 'Consumable empty',
    'sensor.threshold': 'Sensor out of range',
    'equipment.fault': 'Equipment fault',
    'device.offline': 'Device offline',
    'device.clock_skew': 'Device clock skew',
  },
  severity: { critical: 'Critical', major: 'Major', minor: 'Minor', info: 'Info' },
  alertStatus: { active: 'Active', acknowledged: 'Acknowledged', cleared: 'Cleared', clearedUnacked: 'Cleared · needs ack' },
  woStatus: {
    new: 'New',
    dispatched: 'Dispatched',
    accepted: 'Accepted',
    in_progress: 'In progress',
    resolved: 'Resolved',
    verified: 'Called back',
    closed: 'Closed',
    reopened: 'Reopened',
  },
  woVerifiedBy: { device: 'Device-verified', callback: 'Called back' },
  woSource: { alert: 'Device alert', patrol: 'Patrol', complaint: 'Complaint', inspection: 'Inspection' },
  woAction: {
    create: 'Created',
    dispatch: 'Dispatched',
    accept: 'Accepted',
    start: 'Started',
    resolve: 'Resolved',
    verify: 'Called back',
    reopen: 'Reopened',
    close: 'Closed',
    comment: 'Comment',
    escalate: 'Escalated',
    attach_alert: 'Alert attached',
    priority: 'Priority changed',
    callback_overdue: 'Callback overdue',
  },
  priority: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
  channel: { phone: 'Phone', walk_in: 'Walk-in', letter: 'Letter', staff: 'Via staff' },
  consumable: { paper_towel: 'Paper towels', toilet_paper: 'Toilet paper', soap: 'Hand soap', sanitizer: 'Sanitiser', shoe_cover: 'Shoe covers' },
  deviceKind: { checkpoint: 'Checkpoint', gate: 'Gate', dispenser: 'Dispenser', sensor: 'Sensor' },
  role: { operator: 'Operator', supervisor: 'Supervisor', admin: 'Administrator', guard: 'Guard' },
  department: { security: 'Security', cleaning: 'Cleaning', engineering: 'Engineering', parking: 'Parking', service: 'Customer service' },
  total: 'Total',
};

export const LABELS: Record<Language, Vocabulary> = { 'zh-CN': zhCN, en };

/** The vocabulary of a language; an unknown one reads zh-CN, the default. */
export function labels(lang: string): Vocabulary {
  return LABELS[lang as Language] ?? zhCN;
}

// Chinese names for the printed duty log and the report rows (departments come from the site file).
import type { AlertType, Severity, WorkOrderSourceId, WorkOrderStatusId } from '@estate-watch/contracts';

export const SOURCE_NAMES: Record<WorkOrderSourceId, string> = {
  alert: '告警',
  patrol: '巡更',
  complaint: '投诉报修',
  inspection: '巡检发现',
};

export const STATUS_NAMES: Record<WorkOrderStatusId, string> = {
  new: '新建',
  dispatched: '已派工',
  accepted: '已接单',
  in_progress: '处理中',
  resolved: '已完成',
  verified: '已验证',
  closed: '已关闭',
  reopened: '已重开',
};

export const SEVERITY_NAMES: Record<Severity, string> = {
  info: '提示',
  minor: '一般',
  major: '重要',
  critical: '紧急',
};

export const ALERT_TYPE_NAMES: Record<AlertType, string> = {
  'patrol.missed': '巡更漏检',
  'patrol.late': '巡更迟到',
  'patrol.early': '巡更提前',
  'patrol.out_of_order': '巡更顺序错误',
  'patrol.unknown_card': '未登记巡更卡',
  'gate.stuck_open': '道闸长时间未关',
  'gate.fault': '道闸故障',
  'parking.full': '车场满位',
  'dispenser.low': '耗材不足',
  'dispenser.empty': '耗材用尽',
  'sensor.threshold': '传感器超限',
  'equipment.fault': '设备故障',
  'device.offline': '设备离线',
  'device.clock_skew': '设备时钟偏差',
};

export const TOTAL_NAME = '合计';

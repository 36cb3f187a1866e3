// The printed duty log and the report rows read the one label vocabulary (libs/contracts
// labels.ts, issue 10.1) in zh-CN; departments come from the site file.
import { LABELS } from '@estate-watch/contracts';

const zh = LABELS['zh-CN'];

export const SOURCE_NAMES = zh.woSource;
export const STATUS_NAMES = zh.woStatus;
export const SEVERITY_NAMES = zh.severity;
export const ALERT_TYPE_NAMES = zh.alertType;
export const TOTAL_NAME = zh.total;

import { patrolMonitoringSuite } from './patrol-monitoring.suite';
import { patrolSuite } from './patrol.suite';

patrolSuite('postgres');
patrolMonitoringSuite('postgres');

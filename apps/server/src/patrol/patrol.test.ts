import { patrolMonitoringSuite } from './patrol-monitoring.suite';
import { patrolSuite } from './patrol.suite';

patrolSuite('pglite');
patrolMonitoringSuite('pglite');

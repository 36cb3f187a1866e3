import { ownDepartmentsSuite } from './own-departments.suite';
import { alertWorkOrdersSuite } from './alert-work-orders.suite';
import { workOrderDeadlinesSuite } from './work-order-deadlines.suite';
import { workOrdersSuite } from './work-orders.suite';

workOrdersSuite('pglite');
alertWorkOrdersSuite('pglite');
workOrderDeadlinesSuite('pglite');
ownDepartmentsSuite('pglite');

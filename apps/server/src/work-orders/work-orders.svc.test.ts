import { ownDepartmentsSuite } from './own-departments.suite';
import { alertWorkOrdersSuite } from './alert-work-orders.suite';
import { workOrderDeadlinesSuite } from './work-order-deadlines.suite';
import { workOrdersSuite } from './work-orders.suite';

workOrdersSuite('postgres');
alertWorkOrdersSuite('postgres');
workOrderDeadlinesSuite('postgres');
ownDepartmentsSuite('postgres');

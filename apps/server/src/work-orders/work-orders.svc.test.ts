import { workOrdersSuite } from './work-orders.suite';

workOrdersSuite('postgres');

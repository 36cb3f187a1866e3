import { workOrdersSuite } from './work-orders.suite';

workOrdersSuite('pglite');

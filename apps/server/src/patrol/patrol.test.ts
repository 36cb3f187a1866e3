import { patrolSuite } from './patrol.suite';

patrolSuite('pglite');

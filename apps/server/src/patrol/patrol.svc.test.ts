import { patrolSuite } from './patrol.suite';

patrolSuite('postgres');

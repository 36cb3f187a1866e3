import { auditSuite } from './audit.suite';

auditSuite('pglite');

import { equipmentSuite } from './equipment.suite';

equipmentSuite('pglite');

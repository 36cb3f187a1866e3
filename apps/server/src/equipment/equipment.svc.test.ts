import { equipmentSuite } from './equipment.suite';

equipmentSuite('postgres');

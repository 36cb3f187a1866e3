import { consumablesSuite } from './consumables.suite';

consumablesSuite('postgres');

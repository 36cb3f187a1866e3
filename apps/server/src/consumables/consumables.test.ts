import { consumablesSuite } from './consumables.suite';

consumablesSuite('pglite');

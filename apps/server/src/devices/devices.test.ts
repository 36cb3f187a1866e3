import { devicesSuite } from './devices.suite';

devicesSuite('pglite');

import { parkingSuite } from './parking.suite';

parkingSuite('pglite');

import { parkingSuite } from './parking.suite';

parkingSuite('postgres');

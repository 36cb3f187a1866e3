import { devicesSuite } from './devices.suite';

devicesSuite('postgres');

import { readBackTimesSuite } from './read-back-times.suite';

readBackTimesSuite('pglite');

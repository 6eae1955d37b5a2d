/** Seed 004's job on the embedded log (the case body is shared with the Kafka run). */
import { exampleSuite } from './cases/example-activity.js';

exampleSuite('embedded', () => ({}));

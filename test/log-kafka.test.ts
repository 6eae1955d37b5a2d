/**
 * The event-log contract on a real Apache Kafka broker (`ensureKafka()` starts the local one when
 * none runs, and fails the suite when it cannot). Topic and group names are unique per test.
 */
import { createKafkaLog } from '../src/engine/log/kafka/index.js';
import { logContract } from './contract/log.contract.js';
import { ensureKafka } from './helpers/kafka.js';

logContract('kafka', {
  open: async () => {
    const brokers = await ensureKafka();
    return createKafkaLog({ brokers: brokers.split(','), clientId: 'ytwatch-contract', defaultPartitions: 1 });
  },
});

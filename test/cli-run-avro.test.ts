/**
 * The embedded acceptance flow with `YTWATCH_FORMAT=avro` and no registry server: schemas kept in
 * the data folder's `schemas.json`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { acceptanceSuite } from './cases/acceptance.js';
import { assertAllAvro } from './helpers/avro.js';

acceptanceSuite('embedded, Avro', () => ({ YTWATCH_FORMAT: 'avro' }), {
  name: 'every data record is Avro in the wire format, schemas in the data folder, nothing dead-lettered',
  check: async (env) => {
    await assertAllAvro(env);
    assert.ok(existsSync(join(env.YTWATCH_DATA_DIR!, 'schemas.json')));
  },
});

// Checks real results against the one schema of the shapes (fixtures/schema/shapes.schema.json), the source of
// the interfaces in index.d.ts, so neither can drift from what the code resolves with.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'

import { root } from './emulator.mjs'

/** The schema with every object closed: a key the shape does not name is an error. */
function closed(schema) {
  if (Array.isArray(schema)) return schema.map(closed)
  if (schema === null || typeof schema !== 'object') return schema
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)]))
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false
  return out
}

const schema = closed(JSON.parse(readFileSync(join(root, 'fixtures/schema/shapes.schema.json'), 'utf8')))
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false })
ajv.addSchema(schema, 'shapes')

/** `value` (a result of ecr-core) is a valid `name` by the schema. */
export function assertShape(value, name) {
  const validate = ajv.getSchema(`shapes#/$defs/${name}`)
  assert.ok(validate, `no shape named ${name}`)
  const plain = JSON.parse(JSON.stringify(value))
  if (!validate(plain)) {
    const errors = validate.errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    assert.fail(`${name}: ${errors.join('; ')}`)
  }
}

// Secret redaction scaffold. ecr-core exposes no secret-holding type to JS yet (the auth capability's
// credentials object will be the first; its util.inspect / JSON.stringify tests belong here). What can be
// checked today: a client never shows the credentials of the AWS chain.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { inspect } from 'node:util'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const { EcrClient } = require('../index.js')

test('a client never shows AWS credentials', () => {
  const secret = 's3cr3t-value-that-must-not-print'
  process.env.AWS_SECRET_ACCESS_KEY = secret
  const client = new EcrClient({ region: 'us-east-1' })
  for (const text of [inspect(client, { showHidden: true, depth: 5 }), JSON.stringify(client), String(client)]) {
    assert.ok(!text.includes(secret))
  }
})

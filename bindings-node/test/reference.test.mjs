// parseReference: the parse_reference program's JSON object, or a thrown InvalidReference error.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const { parseReference } = require('../index.js')

const KEYS = ['input', 'ok', 'kind', 'registry_id', 'region', 'fips', 'dual_stack', 'dns_suffix', 'repository', 'tag', 'digest']
const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4)

test('a private image reference', () => {
  const text = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1@${DIGEST}`
  const parsed = parseReference(text)
  assert.deepEqual(Object.keys(parsed), KEYS)
  assert.deepEqual(parsed, {
    input: text,
    ok: true,
    kind: 'private',
    registry_id: '123456789012',
    region: 'eu-west-1',
    fips: false,
    dual_stack: false,
    dns_suffix: 'amazonaws.com',
    repository: 'team/app',
    tag: 'v1',
    digest: DIGEST,
  })
})

test('a server URL and a bare host', () => {
  for (const text of ['https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/', '123456789012.dkr.ecr.us-east-1.amazonaws.com']) {
    const parsed = parseReference(text)
    assert.deepEqual([parsed.kind, parsed.registry_id, parsed.region], ['private', '123456789012', 'us-east-1'])
    assert.equal(parsed.repository, null)
  }
})

test('a public image reference', () => {
  const parsed = parseReference('public.ecr.aws/nginx/nginx:latest')
  assert.equal(parsed.kind, 'public')
  assert.equal(parsed.tag, 'latest')
})

for (const text of ['public.ecr.aws/Team/app', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:bad tag', ' 123456789012.dkr.ecr.eu-west-1.amazonaws.com', '']) {
  test(`invalid ${JSON.stringify(text)} throws code InvalidReference`, () => {
    assert.throws(
      () => parseReference(text),
      (err) => err.code === 'InvalidReference' && err.requestId === null && err.message.length > 0,
    )
  })
}

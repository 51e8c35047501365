// reference: typed ImageReference / RegistryHost values with camelCase getters, checked against the shared
// fixtures/references cases (the parse_reference program's expected outputs), or a thrown InvalidReference error.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'

import { root } from './emulator.mjs'

const require = createRequire(import.meta.url)
const { ImageReference, RegistryHost, parseReference } = require('../index.js').reference

const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4)
const cases = (name) => JSON.parse(readFileSync(join(root, 'fixtures', 'references', name), 'utf8')).cases
/** How the program reads an input without a repository: a server URL or a bare host. */
const hostOf = (text) => (text.includes('://') ? RegistryHost.fromServerUrl(text) : RegistryHost.parse(text))

const fields = (host, image) => ({
  kind: host.kind,
  registry_id: host.registryId,
  region: host.region,
  fips: host.fips,
  dual_stack: host.dualStack,
  dns_suffix: host.dnsSuffix,
  repository: image ? image.repository : null,
  tag: image ? image.tag : null,
  digest: image ? image.digest : null,
})

for (const { name, input, expected } of cases('valid.json')) {
  test(`valid fixture: ${name}`, () => {
    let host
    let image = null
    if (expected.repository === null) {
      host = hostOf(input)
    } else {
      image = parseReference(input)
      host = image.host
      assert.equal(image.toString(), input)
      assert.ok(image.equals(ImageReference.parse(input)))
    }
    const { input: _i, ok: _o, ...rest } = expected
    assert.deepEqual(fields(host, image), rest)
  })
}

for (const { name, input, expected } of cases('invalid.json')) {
  test(`invalid fixture: ${name}`, () => {
    assert.throws(
      () => (input.includes('://') || !input.includes('/') ? hostOf(input) : parseReference(input)),
      (err) => err.code === expected.code && err.message.includes(expected.message) && err.requestId === null,
    )
  })
}

test('attributes, JSON and equality', () => {
  const image = parseReference(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1@${DIGEST}`)
  assert.deepEqual([image.repository, image.tag, image.digest], ['team/app', 'v1', DIGEST])
  assert.deepEqual([image.host.registryId, image.host.region], ['123456789012', 'eu-west-1'])
  assert.equal(image.repositoryUri, '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app')
  assert.equal(JSON.stringify({ image }), JSON.stringify({ image: image.toString() }))
  assert.equal(`${image.host}`, '123456789012.dkr.ecr.eu-west-1.amazonaws.com')
  const pub = parseReference('public.ecr.aws/nginx/nginx:latest')
  assert.equal(pub.host.kind, 'public')
  assert.ok(pub.host.equals(RegistryHost.public()))
  assert.equal(pub.host.registryId, null)
})

test('a host is not an image reference', () => {
  assert.throws(() => parseReference('123456789012.dkr.ecr.us-east-1.amazonaws.com'), (err) => err.code === 'InvalidReference')
})

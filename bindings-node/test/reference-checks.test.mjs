// Reference checks: repository-name, tag and digest grammar, and registry hosts built from their
// parts; the hosts are checked against the shared fixtures/auth/hosts.json through RegistryHost.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'

import { root } from './emulator.mjs'

const require = createRequire(import.meta.url)
const { RegistryHost, validateDigest, validateRepositoryName, validateTag } = require('../index.js').reference

test('RegistryHost.private rebuilds every private fixture host', () => {
  const data = JSON.parse(readFileSync(join(root, 'fixtures', 'auth', 'hosts.json'), 'utf8'))
  let rebuilt = 0
  for (const c of data.accept) {
    let p
    try {
      p = RegistryHost.parse(c.input)
    } catch (e) {
      assert.equal(e.code, 'InvalidReference')
      continue // forms only the credential helper accepts (host:443)
    }
    if (p.kind !== 'private') continue
    assert.equal(`${RegistryHost.private(p.registryId, p.region, { fips: p.fips, dualStack: p.dualStack })}`, c.host, c.input)
    rebuilt++
  }
  assert.ok(rebuilt >= 10)
  assert.throws(() => RegistryHost.private('12345', 'us-east-1'), { code: 'InvalidReference' })
  assert.throws(() => RegistryHost.private('123456789012', 'not a region'), { code: 'InvalidReference' })
})

test('repository names, tags and digests', () => {
  for (const ok of ['app', 'team/service', 'a/b-c/d_e.f']) validateRepositoryName(ok)
  for (const bad of ['', 'a', 'Team/app', 'app/', '/app', 'a//b', 'x'.repeat(257)]) {
    assert.throws(() => validateRepositoryName(bad), { code: 'InvalidReference' }, bad)
  }
  validateTag('v1.2.3_rc-1')
  validateDigest('sha256:' + '0'.repeat(64))
  for (const bad of ['', '.v1', '-v1', 'bad tag', 'x'.repeat(129)]) {
    assert.throws(() => validateTag(bad), { code: 'InvalidReference' }, bad)
  }
  for (const bad of ['sha256:' + '0'.repeat(63), 'sha256:' + 'G'.repeat(64), 'md5:' + '0'.repeat(32), '0'.repeat(64)]) {
    assert.throws(() => validateDigest(bad), { code: 'InvalidReference' }, bad)
  }
})

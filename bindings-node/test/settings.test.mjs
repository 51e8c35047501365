// Registry settings: the pure resolver and audit over the shared snapshot (fixtures/settings) equal the Rust
// golden outputs; the template check against a repository in the emulator. Moto has no creation-template
// API, so the snapshot comes from the fixture.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'

import { emulator, root, unique } from './emulator.mjs'

const require = createRequire(import.meta.url)
const { Authenticator, registryHosts } = require('../index.js').auth
const { EcrClient } = require('../index.js')
const { auditRegistry, effectiveSettings } = require('../index.js').settings

const SETTINGS = join(root, 'fixtures', 'settings')
const snapshot = () => readFileSync(join(SETTINGS, 'snapshot.json'), 'utf8')

test('effective settings equal the golden outputs', () => {
  const golden = JSON.parse(readFileSync(join(SETTINGS, 'effective.json'), 'utf8'))
  assert.ok(golden.cases.length >= 7)
  for (const c of golden.cases) {
    assert.deepEqual(effectiveSettings(snapshot(), c.name, c.existing ?? null), c.expected, c.name)
  }
})

test('the audit names each failed check', () => {
  const repositories = JSON.parse(readFileSync(join(SETTINGS, 'repositories.json'), 'utf8'))
  const report = auditRegistry(snapshot(), repositories, ['stable'])
  assert.equal(report.passed, false)
  const failed = report.checks.filter((c) => c.status === 'failed').map((c) => c.check)
  assert.ok(failed.includes('template-lifecycle-policy[team/payments]'), failed.join())
  assert.ok(failed.includes('cache-rule-credential[ghcr]'), failed.join())
  assert.ok(failed.includes('enhanced-scanning-coverage'), failed.join())
})

test('a bad snapshot throws naming the field', () => {
  assert.throws(
    () => effectiveSettings('{"scanningConfiguration": {"scanType": "DEEP"}}', 'a/b'),
    (e) => e.code === 'PolicyValidation' && e.errors[0].path === 'scanningConfiguration.scanType',
  )
  assert.throws(() => auditRegistry(snapshot(), [{ repositoryName: 5 }]), (e) => e.code === 'InvalidArgument')
})

test('the template check on a repository in the emulator', async () => {
  const env = emulator()
  const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  const name = `team/${unique('node-template')}`
  await client.createRepository(name)
  const report = await client.auditRepositoryWithTemplates(name, snapshot())
  const template = report.checks.find((c) => c.check === 'template')
  assert.equal(template.status, 'failed')
  assert.equal(template.details.template, 'team')
  assert.throws(() => client.auditRepositoryWithTemplates(name, '{'), (e) => e.code === 'PolicyValidation')
})

test('one login for many registries, in one docker config write', async () => {
  const env = emulator()
  const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  const hosts = registryHosts(['123456789012', '210987654321'], ['us-east-1', 'eu-west-1'], { dualStack: true })
  assert.equal(hosts.length, 8)
  assert.ok(hosts.includes('210987654321.dkr-ecr.eu-west-1.on.aws'))
  const auth = new Authenticator(client, { assumeNow: '2014-12-31T12:00:00Z' })
  const config = join(mkdtempSync(join(tmpdir(), 'ecr-core-login-')), 'config.json')
  const logins = await auth.loginAll(hosts, config)
  assert.deepEqual(logins.map((l) => l.host), hosts)
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(config, 'utf8')).auths).sort(), [...hosts].sort())
  assert.ok(!JSON.stringify(logins).includes('auth-token'))
  assert.throws(() => registryHosts(['not-an-account'], ['us-east-1']), (e) => e.code === 'InvalidReference')
})

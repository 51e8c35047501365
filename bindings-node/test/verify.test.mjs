// Verify: push verification (the verify_push program's report; the config checks through the registry
// protocol with a real OCI image pushed to the local registry with skopeo and mirrored into the ECR emulator),
// repository audit and ensure (the audit_repository program), build records.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'

import { emulator, root, unique } from './emulator.mjs'
import { MEDIA, hasSkopeo, ociImage, pushAndMirror, pushCosignSignature, putImage, sha } from './images.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const { Authenticator, RegistryCredentials } = require('../index.js').auth
const { EcrClient } = require('../index.js')
const { verify } = require('../index.js')
const { buildRecord, defaultLifecyclePolicy } = verify

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const SKIP_CONFIG = 'platforms,non-root,labels,no-secrets,healthcheck'

function program(name) {
  const path = join(process.env.ECR_CORE_BIN_DIR ?? '', name)
  return process.env.ECR_CORE_BIN_DIR && existsSync(path) ? path : null
}

function run(path, args) {
  const out = spawnSync(path, args, { encoding: 'utf8', env: { ...process.env, ...emulator() } })
  assert.ok(out.status === 0 || out.status === 1, out.stderr)
  return [out.status, JSON.parse(out.stdout)]
}

const statusOf = (report) => Object.fromEntries(report.checks.map((c) => [c.check, c.status]))

describe('verify against the emulator', () => {
  let client
  before(() => {
    const env = emulator()
    client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  })

  test('tags and integrity, like the program', async (t) => {
    const [name, digest] = await putImage(client, 'v1')
    const v = await client.verifyPush(`${HOST}/${name}:v1`, { digest, skip: SKIP_CONFIG })
    assert.equal(v.report.passed, true, JSON.stringify(v))
    assertShape(v, 'PushVerification')
    const s = statusOf(v.report)
    assert.deepEqual([s.tags, s.integrity, s['non-root']], ['passed', 'passed', 'skipped'])
    assert.equal(v.mediaType, MEDIA)
    const bad = await client.verifyPush(`${HOST}/${name}@${digest}`, { tags: ['v1', 'v2'], skip: SKIP_CONFIG })
    assert.equal(statusOf(bad.report).tags, 'failed')
    const path = program('verify_push')
    if (!path) return t.skip('ECR_CORE_BIN_DIR/verify_push not built')
    const [code, report] = run(path, ['--image', `${HOST}/${name}:v1`, '--digest', digest, '--skip', SKIP_CONFIG])
    assert.deepEqual([code, report], [0, v.report])
  })

  test('a check policy table (checkPolicy) passed as options.checks, the lists applied after it', async () => {
    const { checkPolicy } = require('../index.js').verify
    const [name, digest] = await putImage(client, 'v1')
    const checks = checkPolicy(Object.fromEntries(SKIP_CONFIG.split(',').map((c) => [c, 'skip'])))
    const v = await client.verifyPush(`${HOST}/${name}:v1`, { digest, checks })
    assert.equal(v.report.passed, true, JSON.stringify(v))
    const s = statusOf(v.report)
    assert.deepEqual([s.tags, s.labels, s.healthcheck], ['passed', 'skipped', 'skipped'])
    const later = await client.verifyPush(`${HOST}/${name}:v1`, { digest, checks, skip: 'tags' })
    assert.equal(statusOf(later.report).tags, 'skipped')
    assert.throws(() => client.verifyPush(`${HOST}/${name}:v1`, { digest, checks: { labels: 'sometimes' } }), (e) => {
      assert.equal(e.code, 'InvalidArgument')
      assert.match(e.message, /sometimes/)
      return true
    })
    assert.throws(() => client.verifyPush(`${HOST}/${name}:v1`, { digest, checks: { bogus: 'warn' } }), {
      code: 'InvalidArgument',
    })
  })

  test('bad arguments throw before any call', () => {
    const other = 'sha256:' + '1'.repeat(64)
    assert.throws(() => client.verifyPush(`${HOST}/repo@sha256:${'0'.repeat(64)}`, { digest: other }), (e) => {
      assert.equal(e.code, 'InvalidArgument')
      assert.match(e.message, /differs/)
      return true
    })
    assert.throws(() => client.verifyPush(`${HOST}/repo:v1`), { code: 'InvalidArgument' })
    assert.throws(() => client.verifyPush('ghcr.io/acme/app:v1', { digest: other }), { code: 'InvalidReference' })
    assert.throws(() => client.verifyPush(`${HOST}/repo:v1`, { digest: other, require: 'bogus' }), /bogus/)
    assert.throws(() => client.verifyPush(`${HOST}/repo:v1`, { digest: other, platforms: ['no platform'] }), (e) => e.code !== 'Internal')
  })

  test('config checks through the registry protocol', { skip: !hasSkopeo && 'skopeo missing' }, async () => {
    const env = emulator()
    const repo = unique('node-verify-reg')
    const dir = mkdtempSync(join(tmpdir(), 'ecr-core-node-oci-'))
    ociImage(dir, { User: 'root', Env: ['PATH=/usr/bin', 'API_TOKEN=tok-not-for-logs'] }, 'v1')
    const digest = await pushAndMirror(client, dir, repo, 'v1')
    const creds = await new Authenticator(client, { assumeNow: '2014-12-31T12:00:00Z' }).credentials(HOST)
    const options = { digest, platforms: ['linux/amd64'], registryUrl: env.LOCAL_REGISTRY_URL }
    const v = await client.verifyPush(`${HOST}/${repo}:v1`, options, creds)
    const s = statusOf(v.report)
    assert.deepEqual([s.platforms, s['non-root'], s.labels, s['no-secrets'], s.healthcheck],
      ['passed', 'failed', 'failed', 'failed', 'warned'], JSON.stringify(v))
    assert.ok(!JSON.stringify(v).includes('tok-not-for-logs'))
    assert.deepEqual(await client.verifyPush(`${HOST}/${repo}:v1`, options), v)
    const path = program('verify_push')
    if (path) {
      const [code, report] = run(path, ['--image', `${HOST}/${repo}:v1`, '--digest', digest, '--platform',
        'linux/amd64', '--registry-url', env.LOCAL_REGISTRY_URL])
      assert.deepEqual([code, report], [1, v.report])
    }
    const wrong = new RegistryCredentials(HOST, 'AWS', 'wrong-password', '2030-01-01T00:00:00Z')
    const w = await client.verifyPush(`${HOST}/${repo}:v1`, { digest, registryUrl: env.LOCAL_REGISTRY_URL }, wrong)
    const nonRoot = w.report.checks.find((c) => c.check === 'non-root')
    assert.equal(nonRoot.status, 'failed')
    assert.match(nonRoot.message, /not readable/)
    assert.ok(!JSON.stringify(w).includes('wrong-password'))
  })

  test('hardened image passes; build record', { skip: !hasSkopeo && 'skopeo missing' }, async () => {
    const env = emulator()
    const repo = unique('node-verify-good')
    const dir = mkdtempSync(join(tmpdir(), 'ecr-core-node-oci-'))
    const labels = {
      'org.opencontainers.image.revision': '4f2c9e1d',
      'org.opencontainers.image.source': 'https://github.com/example/app',
      'org.opencontainers.image.created': '2026-11-23T10:00:00Z',
    }
    ociImage(dir, { User: '10001:10001', Labels: labels, Healthcheck: { Test: ['CMD', '/bin/true'] } }, 'v2')
    const digest = await pushAndMirror(client, dir, repo, 'v2')
    const v = await client.verifyPush(`${HOST}/${repo}:v2`, { digest, platforms: ['linux/amd64'], registryUrl: env.LOCAL_REGISTRY_URL })
    assert.equal(v.report.passed, true, JSON.stringify(v))
    const record = buildRecord({
      name: `${HOST}/${repo}`,
      digest,
      tags: ['v2'],
      revision: '4f2c9e1d',
      buildTime: '2026-11-23T10:00:00Z',
      mediaType: v.mediaType,
      platforms: v.platforms,
      verified: v.report.passed,
    })
    assert.equal(record._type, 'https://in-toto.io/Statement/v1')
    assert.deepEqual(record.subject[0], { name: `${HOST}/${repo}`, digest: { sha256: digest.slice(7) } })
    assert.equal(record.predicate.verified, true)
  })

  test('replication status reaches the service', async () => {
    // Moto's gap: no DescribeImageReplicationStatus (an error without a code): typed ServiceError, never Internal.
    const [name, digest] = await putImage(client, 'v1')
    await assert.rejects(client.imageReplicationStatus(name, digest), { code: 'ServiceError' })
    assert.throws(() => client.verifyPush(`${HOST}/${name}:v1`, { digest, replicationTimeout: -1 }), {
      code: 'InvalidArgument',
    })
  })

  test('buildRecord validates its input', () => {
    assert.throws(() => buildRecord({ name: `${HOST}/app`, digest: 'sha256:short' }), (e) => e.code !== 'Internal')
    assert.throws(() => buildRecord({ name: `${HOST}/app`, digest: 'sha256:' + 'a'.repeat(64), buildTime: 'soon' }), {
      code: 'InvalidArgument',
    })
  })

  test('ensure then audit, like the program', async (t) => {
    const name = unique('node-ensure')
    const created = await client.ensureRepository(name)
    assert.equal(created.created, true)
    assert.deepEqual(created.drift, [])
    assert.equal(created.repository.imageTagMutability, 'IMMUTABLE')
    // (scan on push stays out of the drift checks: moto's scanning configuration is not AWS's)
    const mutable = { settings: { tagMutability: 'MUTABLE', scanOnPush: false } }
    const again = await client.ensureRepository(name, mutable)
    assert.deepEqual(again.drift.map((d) => [d.setting, d.fixed]), [['imageTagMutability', false]])
    const fixed = await client.ensureRepository(name, { ...mutable, apply: true })
    assert.equal(fixed.drift[0].fixed, true)
    assert.equal((await client.describeRepository(name)).imageTagMutability, 'MUTABLE')
    assert.deepEqual((await client.ensureRepository(name, mutable)).drift, [])
    const report = await client.auditRepository(name)
    assert.equal(report.checks.length, 5)
    const all = await client.auditAllRepositories()
    assert.ok(all.repositories.some((r) => r.subject.endsWith(name)))
    await assert.rejects(client.auditRepository(unique('node-audit-missing')), { code: 'RepositoryNotFound' })
    assert.throws(() => client.ensureRepository(name, { colour: 'red' }), { code: 'InvalidArgument' })
    await assert.rejects(client.ensureRepository(unique('node-x'), { lifecyclePolicy: 'not json' }), (e) => e.code !== 'Internal')
    assert.equal(JSON.parse(defaultLifecyclePolicy()).rules[0].rulePriority, 1)
    const path = program('audit_repository')
    if (!path) return t.skip('ECR_CORE_BIN_DIR/audit_repository not built')
    const [code, out] = run(path, ['--repository', name])
    assert.deepEqual(out, report)
    assert.equal(code, report.passed ? 0 : 1)
  })
})

test('repository policy fixture, lifecycle policy text, digests, wildcards', () => {
  const { analyseRepositoryPolicy, sha256Digest, validateLifecyclePolicyText } = require('../index.js').verify
  const { wildcardMatch } = require('../index.js').tagging
  const data = JSON.parse(readFileSync(join(root, 'fixtures', 'verify', 'policy_cases.json'), 'utf8'))
  assert.ok(data.cases.length >= 3)
  for (const c of data.cases) {
    const findings = analyseRepositoryPolicy(JSON.stringify(c.policy), c.accountId)
    assert.deepEqual(findings.map((f) => ({ statement: f.statement, principal: f.principal })), c.flagged, c.name)
    assert.ok(findings.every((f) => Array.isArray(f.actions) && f.message))
  }
  assert.throws(() => analyseRepositoryPolicy('not json', '123456789012'), (e) => e.code !== 'Internal')
  validateLifecyclePolicyText(defaultLifecyclePolicy())
  assert.throws(() => validateLifecyclePolicyText('{"rules": [{"rulePriority": 0}]}'), (e) => {
    assert.equal(e.code, 'PolicyValidation')
    assert.ok(e.errors.map((f) => f.path).includes('rules[0].rulePriority'))
    return true
  })
  const body = '{"schemaVersion":2}'
  assert.equal(sha256Digest(body), sha(body))
  assert.equal(sha256Digest(Buffer.from(body)), sha(body))
  assert.equal(wildcardMatch('release-*', 'release-1.2'), true)
  assert.equal(wildcardMatch('release-*', 'dev-1'), false)
})

// Signatures: real ECDSA P-256 signatures made here with node:crypto in cosign's simple-signing format, pushed
// with skopeo in the legacy `sha256-<hex>.sig` tag layout to the local docker-registry.
describe('verifySignatures against the local registry', { skip: !hasSkopeo && 'skopeo not installed' }, () => {
  const KEY_POLICY = { signers: [{ type: 'key', key: 'release' }] }
  const pem = (key) => key.export({ type: 'spki', format: 'pem' })
  const p256 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  let client
  let env
  before(() => {
    env = emulator()
    client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  })
  const credentials = () => new RegistryCredentials(HOST, env.LOCAL_REGISTRY_USER, env.LOCAL_REGISTRY_PASSWORD,
    '2099-01-01T00:00:00Z')

  test('the signature is checked, not its presence; reports like the program', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'node-signed-'))
    const repo = unique('node-signed')
    ociImage(join(dir, 'signed'), { User: '10001' }, 'v1')
    const signed = await pushAndMirror(client, join(dir, 'signed'), repo, 'v1')
    ociImage(join(dir, 'other'), { User: '10002' }, 'v2')
    const other = await pushAndMirror(client, join(dir, 'other'), repo, 'v2', false)
    const release = p256()
    pushCosignSignature(dir, HOST, repo, release.privateKey, signed)
    pushCosignSignature(dir, HOST, repo, release.privateKey, signed, other)
    const options = { keys: { release: pem(release.publicKey) }, registryUrl: env.LOCAL_REGISTRY_URL, ecrReferrers: false }

    const good = await client.verifySignatures(`${HOST}/${repo}@${signed}`, KEY_POLICY, options, credentials())
    assert.ok(good instanceof verify.SignatureDecision)
    assert.equal(good.passed, true, JSON.stringify(good))
    assert.equal(good.digest, signed)
    assert.equal(good.requirements.length, 1)
    assert.equal(good.requirements[0].status, 'passed')
    assert.match(good.requirements[0].satisfiedBy, /^sha256:/)
    assert.equal(good.toJSON().schema, 'ecr-core/signature-decision/v1')
    assertShape(good.toJSON(), 'SignatureReport')
    assert.deepEqual(JSON.parse(JSON.stringify(good)), good.toJSON())
    assert.deepEqual(good.toSarif().runs[0].results, [])
    assert.match(good.toMarkdown(), /passed/)
    assert.deepEqual(JSON.parse(good.render('json')), good.toJSON())

    const moved = await client.verifySignatures(`${HOST}/${repo}@${other}`, JSON.stringify(KEY_POLICY), options,
      credentials())
    assert.equal(moved.passed, false)
    assert.equal(moved.requirements[0].reason, 'digest-mismatch')
    assert.equal(moved.toSarif().runs[0].results[0].ruleId, 'digest-mismatch')

    const intruder = p256()
    const wrong = await client.verifySignatures(`${HOST}/${repo}@${signed}`, KEY_POLICY,
      { ...options, keys: { release: pem(intruder.publicKey) } }, credentials())
    assert.deepEqual([wrong.passed, wrong.requirements[0].reason], [false, 'bad-signature'])

    const bare = unique('node-unsigned')
    ociImage(join(dir, 'unsigned'), { User: '10003' }, 'v1')
    const unsigned = await pushAndMirror(client, join(dir, 'unsigned'), bare, 'v1')
    const missing = await client.verifySignatures(`${HOST}/${bare}@${unsigned}`, KEY_POLICY, options, credentials())
    assert.deepEqual([missing.passed, missing.requirements[0].reason], [false, 'missing'])
    // Registry credentials from one GetAuthorizationToken call when none are given.
    const warned = await client.verifySignatures(`${HOST}/${bare}:v1`, { ...KEY_POLICY, onMissing: 'warn' },
      { ...options, digest: unsigned })
    assert.deepEqual([warned.passed, warned.requirements[0].status], [true, 'warned'])

    const path = program('verify_signatures')
    if (!path) return t.skip('ECR_CORE_BIN_DIR/verify_signatures not built')
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(KEY_POLICY))
    writeFileSync(join(dir, 'release.pub'), pem(release.publicKey))
    const out = spawnSync(path, ['--image', `${HOST}/${repo}@${other}`, '--policy', join(dir, 'policy.json'),
      '--key', `release=${join(dir, 'release.pub')}`, '--registry-url', env.LOCAL_REGISTRY_URL, '--no-ecr'],
    { encoding: 'utf8', env: { ...process.env, ...env, REGISTRY_USERNAME: env.LOCAL_REGISTRY_USER,
      REGISTRY_PASSWORD: env.LOCAL_REGISTRY_PASSWORD } })
    assert.deepEqual([out.status, JSON.parse(out.stdout)], [1, moved.toJSON()])
  })

  test('bad input throws a typed error naming the field', () => {
    const pinned = `${HOST}/team/app@sha256:${'a'.repeat(64)}`
    const invalid = (pattern) => (e) => e.code === 'InvalidArgument' && pattern.test(e.message)
    assert.throws(() => client.verifySignatures(pinned, { signers: [{ type: 'keyless' }] }), invalid(/policy\.signers\[0\]/))
    assert.throws(() => client.verifySignatures(pinned, { ...KEY_POLICY, polcy: 1 }), invalid(/polcy/))
    assert.throws(() => client.verifySignatures(pinned, { signers: [] }), { code: 'PolicyValidation' })
    assert.throws(() => client.verifySignatures(pinned, '{not json'), invalid(/policy/))
    assert.throws(() => client.verifySignatures(`${HOST}/team/app:v1`, KEY_POLICY), invalid(/digest/))
    assert.throws(() => client.verifySignatures(pinned, KEY_POLICY, { keys: { release: 'not a PEM key' } }),
      invalid(/keys\.release/))
    assert.throws(() => client.verifySignatures(pinned, KEY_POLICY, { trustedRoot: '{}x' }), invalid(/trustedRoot/))
  })
})

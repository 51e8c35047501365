// Verify: push verification (the verify_push program's report; the config checks through the registry
// protocol with a real OCI image pushed to the local registry with skopeo and mirrored into the ECR emulator),
// repository audit and ensure (the audit_repository program), build records.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { before, describe, test } from 'node:test'

import { emulator, root, unique } from './emulator.mjs'

const require = createRequire(import.meta.url)
const { Authenticator, EcrClient, RegistryCredentials, buildRecord, defaultLifecyclePolicy } = require('../index.js')

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const MEDIA = 'application/vnd.oci.image.manifest.v1+json'
const SKIP_CONFIG = 'platforms,non-root,labels,no-secrets,healthcheck'
const sha = (data) => 'sha256:' + createHash('sha256').update(data).digest('hex')

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

async function putImage(client, tag) {
  const name = unique('node-verify')
  await client.createRepository(name)
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(name), size: 2 },
    layers: [],
  })
  const digest = sha(body)
  await client.putImage(name, body, { mediaType: MEDIA, tag, digest })
  return [name, digest]
}

/** A one-layer OCI image layout (tar built by hand: one 512-byte header + content, two zero blocks). */
function ociImage(dir, runtime, tag) {
  const blobs = join(dir, 'blobs', 'sha256')
  mkdirSync(blobs, { recursive: true })
  const blob = (data) => {
    const d = sha(data)
    writeFileSync(join(blobs, d.slice(7)), data)
    return [d, data.length]
  }
  const content = Buffer.from('hello from node\n')
  const header = Buffer.alloc(512)
  header.write('hello.txt', 0)
  header.write('0000644\0', 100)
  header.write('0000000\0', 108)
  header.write('0000000\0', 116)
  header.write(content.length.toString(8).padStart(11, '0') + '\0', 124)
  header.write('00000000000\0', 136)
  header.write('        ', 148)
  header.write('0', 156)
  header.write('ustar\0' + '00', 257)
  let sum = 0
  for (const b of header) sum += b
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512)
  const tar = Buffer.concat([header, content, pad, Buffer.alloc(1024)])
  const [ld, ls] = blob(gzipSync(tar))
  const config = { architecture: 'amd64', os: 'linux', config: runtime, rootfs: { type: 'layers', diff_ids: [sha(tar)] } }
  const [cd, cs] = blob(Buffer.from(JSON.stringify(config)))
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: cs },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: ld, size: ls }],
  }
  const [md, ms] = blob(Buffer.from(JSON.stringify(manifest)))
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion": "1.0.0"}')
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: MEDIA, digest: md, size: ms, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  )
}

async function pushAndMirror(client, dir, repo, tag) {
  const env = emulator()
  const creds = `${env.LOCAL_REGISTRY_USER}:${env.LOCAL_REGISTRY_PASSWORD}`
  const out = spawnSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', creds,
    `oci:${dir}:${tag}`, `docker://${env.LOCAL_REGISTRY_HOST}/${repo}:${tag}`], { encoding: 'utf8' })
  assert.equal(out.status, 0, out.stderr)
  const res = await fetch(`${env.LOCAL_REGISTRY_URL}/v2/${repo}/manifests/${tag}`, {
    headers: { Accept: MEDIA, Authorization: 'Basic ' + Buffer.from(creds).toString('base64') },
  })
  const body = await res.text()
  assert.equal(res.status, 200, body)
  const digest = sha(body)
  await client.createRepository(repo)
  await client.putImage(repo, body, { mediaType: MEDIA, tag, digest })
  return digest
}

const hasSkopeo = spawnSync('skopeo', ['--version']).status === 0

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
  const { analyseRepositoryPolicy, sha256Digest, validateLifecyclePolicyText, wildcardMatch } = require('../index.js')
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

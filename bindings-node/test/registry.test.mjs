// The registry protocol (RegistryClient against the local registry with Basic auth), the individual
// verification checks over the shared fixtures/verify cases (the same cases the Rust tests use), and the
// lookups behind verifyPush (batchGetImages, resolveTags, listImageReferrers, waitForReplication).
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'

import { emulator, root, unique } from './emulator.mjs'
import { hasSkopeo, ociImage, pushAndMirror, putImage, sha } from './images.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const { EcrClient } = require('../index.js')
const { ImageConfig, RegistryClient, checkHealthcheck, checkIntegrity, checkLabels, checkNonRoot, checkReferrers, checkReplication, checkSecrets, comparePlatforms, isRootUser, parseManifest, secretLikeEnvNames, sha256Digest } = require('../index.js').verify
const { RegistryCredentials } = require('../index.js').auth

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const CASES = join(root, 'fixtures', 'verify')
const fixture = (name) => JSON.parse(readFileSync(join(CASES, name), 'utf8'))
const LABELS = {
  'org.opencontainers.image.revision': '4f2c9e1d',
  'org.opencontainers.image.source': 'https://github.com/example/app',
  'org.opencontainers.image.created': '2026-11-23T10:00:00Z',
}

test('config checks fixture', () => {
  const checks = { 'non-root': checkNonRoot, labels: checkLabels, 'no-secrets': checkSecrets, healthcheck: checkHealthcheck }
  for (const c of fixture('config_cases.json').cases) {
    const config = ImageConfig.parse(JSON.stringify(c.config))
    assert.equal(config.platform, c.platform ?? null, c.name)
    for (const [name, expected] of Object.entries(c.expected)) {
      const finding = checks[name](config)
      assert.equal(finding.ok, expected, `${c.name}: ${name}: ${finding.message}`)
    }
    assert.deepEqual(checkLabels(config).details.missing, c.missingLabels, c.name)
    const env = c.config.config?.Env ?? []
    assert.deepEqual(secretLikeEnvNames(env), c.secretNames, c.name)
    assert.deepEqual(config.envNames, env.map((e) => e.split('=')[0]))
    for (const value of c.secretValues ?? []) {
      assert.ok(!JSON.stringify([checkSecrets(config), config]).includes(value), c.name)
      assert.ok(!String(config).includes(value), c.name)
    }
    assert.deepEqual(config.env(), env) // the explicit read
  }
  const arm = ImageConfig.parse(Buffer.from('{"os": "linux", "architecture": "arm64", "variant": "v8"}'))
  assert.equal(arm.platform, 'linux/arm64/v8')
  assert.throws(() => ImageConfig.parse('not json'), { code: 'InvalidArgument' })
})

test('isRootUser', () => {
  for (const u of ['', 'root', '0', '0:0', 'root:wheel', '000']) assert.ok(isRootUser(u), u)
  for (const u of ['10001', '10001:10001', 'app', 'nobody']) assert.ok(!isRootUser(u), u)
})

test('platform cases fixture', () => {
  for (const c of fixture('platform_cases.json').cases) {
    const f = comparePlatforms(c.expected, c.found)
    assert.equal(f.ok, c.ok, `${c.name}: ${f.message}`)
    assert.deepEqual([f.details.missing, f.details.extra], [c.missing, c.extra], c.name)
  }
  assert.throws(() => comparePlatforms(['linux'], []), { code: 'InvalidArgument' })
})

test('manifest cases fixture', () => {
  for (const c of fixture('manifest_cases.json').cases) {
    const raw = readFileSync(join(CASES, c.file))
    assert.equal(sha256Digest(raw), c.digest)
    const parsed = parseManifest(raw)
    assert.deepEqual([parsed.kind, parsed.mediaType], [c.kind, c.mediaType], c.file)
    if (parsed.kind === 'index') {
      const found = parsed.entries
        .filter((e) => !e.attestation)
        .map((e) => [e.platform.os, e.platform.architecture, e.platform.variant].filter(Boolean).join('/'))
      assert.deepEqual(found, c.platforms, c.file)
      assert.equal(parsed.entries.filter((e) => e.attestation).length, c.attestations)
      assert.ok(comparePlatforms(c.platforms, found, c.attestations).ok)
    } else {
      assert.equal(parsed.configDigest, c.configDigest, c.file)
    }
  }
  assert.throws(() => parseManifest('{"schemaVersion": 1}'), { code: 'InvalidArgument' })
})

test('integrity, replication and referrer checks', () => {
  const raw = readFileSync(join(CASES, 'manifests', 'oci-image-amd64.json'), 'utf8')
  const good = { imageId: { imageTag: 'v1' }, digest: sha(raw), manifest: raw }
  assert.equal(checkIntegrity([good], good.digest).ok, true)
  assert.equal(checkIntegrity([{ ...good, manifest: raw + ' ' }], good.digest).ok, false)
  assert.equal(checkIntegrity([good], 'sha256:' + '0'.repeat(64)).ok, false)
  assert.throws(() => checkIntegrity([{ digest: 1 }], good.digest), { code: 'InvalidArgument' })

  const status = (region, s) => ({ region, registryId: '123456789012', status: s })
  assert.equal(checkReplication([status('eu-west-1', 'COMPLETE')]).ok, true)
  assert.equal(checkReplication([]).ok, false)
  const missing = checkReplication([status('eu-west-1', 'COMPLETE')], ['us-west-2'])
  assert.equal(missing.ok, false)
  assert.match(missing.message, /us-west-2/)
  assert.equal(checkReplication([status('eu-west-1', 'COMPLETE'), status('ap-south-1', 'FAILED')], ['eu-west-1']).ok, true)

  const sig = {
    digest: 'sha256:' + 'a'.repeat(64),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    size: 10,
  }
  assert.equal(checkReferrers([sig]).ok, true)
  assert.equal(checkReferrers([sig], ['application/spdx+json']).ok, false)
  assert.equal(checkReferrers([]).ok, false)
})

describe('lookups and the registry protocol against the emulator', () => {
  let client, env
  before(() => {
    env = emulator()
    client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  })
  const registryCreds = () =>
    new RegistryCredentials(env.LOCAL_REGISTRY_HOST, env.LOCAL_REGISTRY_USER, env.LOCAL_REGISTRY_PASSWORD,
      '2030-01-01T00:00:00Z')

  test('batchGetImages and resolveTags', async () => {
    const [name, digest] = await putImage(client, 'v1')
    const lookup = await client.batchGetImages(name, ['v1', digest, 'nope'])
    assert.deepEqual([...new Set(lookup.images.map((i) => i.digest))], [digest])
    assert.ok(lookup.failures.some((f) => f.imageId.imageTag === 'nope'), JSON.stringify(lookup))
    assert.equal(checkIntegrity(lookup.images, digest).ok, true)
    const resolved = await client.resolveTags(name, ['v1', 'v2'], digest)
    assertShape(resolved, 'ResolvedTags')
    assert.deepEqual(resolved.resolution.ok, ['v1'])
    assert.equal(resolved.resolution.problems.v2.problem, 'notFound')
    assert.equal(resolved.finding.ok, false)
    await assert.rejects(client.batchGetImages(name, []), { code: 'InvalidArgument' })
    await assert.rejects(client.batchGetImages(unique('node-missing'), ['v1']), { code: 'RepositoryNotFound' })
  })

  test('replication and referrers reach the service', async () => {
    // Moto's gaps: no DescribeImageReplicationStatus / ListImageReferrers; the errors come back typed.
    const [name, digest] = await putImage(client, 'v1')
    await assert.rejects(client.waitForReplication(name, digest, { regions: ['eu-west-1'], timeout: 0, interval: 0 }),
      (e) => typeof e.code === 'string' && e.code !== 'Internal')
    await assert.rejects(client.listImageReferrers(name, digest), (e) => typeof e.code === 'string' && e.code !== 'Internal')
    assert.throws(() => client.waitForReplication(name, digest, { timeout: -1 }), { code: 'InvalidArgument' })
  })

  test('RegistryClient reads manifest, blob and config', { skip: !hasSkopeo && 'skopeo missing' }, async () => {
    const repo = unique('node-registry')
    const dir = mkdtempSync(join(tmpdir(), 'ecr-core-node-oci-'))
    ociImage(dir, { User: '10001', Labels: LABELS, Env: ['PATH=/usr/bin', 'API_TOKEN=tok-not-for-logs'] }, 'v1')
    const digest = await pushAndMirror(client, dir, repo, 'v1')
    const reg = new RegistryClient(HOST, { url: env.LOCAL_REGISTRY_URL }, registryCreds())
    assert.equal(reg.host, env.LOCAL_REGISTRY_HOST)
    const manifest = await reg.fetchManifest(repo, 'v1')
    assert.ok(Buffer.isBuffer(manifest.bytes))
    assert.equal(manifest.digest, digest)
    assert.equal(sha(manifest.bytes), digest)
    assert.deepEqual((await reg.fetchManifest(repo, digest)).bytes, manifest.bytes)
    const parsed = parseManifest(manifest.bytes)
    assert.equal(parsed.kind, 'image')
    const blob = await reg.fetchBlob(repo, parsed.configDigest)
    assert.equal(sha(blob), parsed.configDigest)
    const config = await reg.fetchConfig(repo, parsed.configDigest)
    assert.deepEqual([config.platform, config.user, config.labels], ['linux/amd64', '10001', LABELS])
    assert.ok(checkNonRoot(config).ok && checkLabels(config).ok)
    assert.equal(checkSecrets(config).ok, false)
    assert.ok(!JSON.stringify(config).includes('tok-not-for-logs'))
    const wrong = new RegistryCredentials(HOST, 'AWS', 'wrong-password', '2030-01-01T00:00:00Z')
    for (const bad of [new RegistryClient(HOST, { url: env.LOCAL_REGISTRY_URL }, wrong),
      new RegistryClient(HOST, { url: env.LOCAL_REGISTRY_URL })]) {
      await assert.rejects(bad.fetchManifest(repo, 'v1'), (e) => e.code === 'RegistryError' && !e.message.includes('wrong-password'))
    }
    await assert.rejects(reg.fetchManifest(repo, 'missing'), { code: 'RegistryError' })
    assert.throws(() => new RegistryClient(HOST, { url: 'ftp://example' }), { code: 'InvalidArgument' })
  })
})

test('indexChildren fixture', () => {
  const { indexChildren } = require('../index.js').verify
  for (const c of fixture('manifest_cases.json').cases) {
    if (c.kind !== 'index') continue
    const children = indexChildren(readFileSync(join(CASES, c.file), 'utf8'))
    assert.deepEqual(children.map((ch) => ch.platform), c.platforms, c.file)
    assert.ok(children.every((ch) => ch.digest.startsWith('sha256:')))
  }
  assert.throws(() => indexChildren('{"schemaVersion": 2}'), { code: 'InvalidArgument' })
})

test('audit reads against the emulator', async () => {
  const { defaultLifecyclePolicy } = require('../index.js').verify
  const env = emulator()
  const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  const name = unique('node-audit-reads')
  await client.createRepository(name)
  const scanning = await client.repositoryScanning(name)
  assertShape(scanning, 'RepositoryScanning')
  assert.deepEqual(Object.keys(scanning).sort(), ['appliedFilters', 'scanFrequency', 'scanOnPush'])
  assert.equal(typeof scanning.scanOnPush, 'boolean')
  assert.equal(await client.lifecyclePolicyText(name), null)
  assert.equal(await client.repositoryPolicyText(name), null)
  await client.putLifecyclePolicy(name, defaultLifecyclePolicy())
  assert.deepEqual(JSON.parse(await client.lifecyclePolicyText(name)), JSON.parse(defaultLifecyclePolicy()))
  await assert.rejects(client.lifecyclePolicyText(unique('node-missing')), { code: 'RepositoryNotFound' })
  await assert.rejects(client.repositoryScanning(unique('node-missing')), { code: 'RepositoryNotFound' })
})

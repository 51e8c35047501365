// Auth: registry credentials from the local ECR emulator, the docker config merge and credential-helper
// fixtures, registry hosts, and the ecr_login program. Moto's GetAuthorizationToken hands out password
// `<account>-auth-token` with expiresAt 2015-01-01 (already expired), so expiry is judged with `assumeNow`
// (the `ecr_login --assume-now` knob).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'

import { emulator, root } from './emulator.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const { Authenticator, RegistryCredentials, defaultDockerConfigPath, helperVersionLine, mergeAuthEntry, registryRegion, writeDockerConfig } = require('../index.js').auth
const { EcrClient } = require('../index.js')

const BEFORE_MOTO_EXPIRY = '2014-12-31T12:00:00Z'
const MOTO_PASSWORD = '123456789012-auth-token'
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const fixture = (name) => JSON.parse(readFileSync(join(root, 'fixtures', 'auth', name), 'utf8'))

describe('Authenticator against the emulator', () => {
  let client, auth
  before(() => {
    const env = emulator()
    client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
    auth = new Authenticator(client, { assumeNow: BEFORE_MOTO_EXPIRY })
  })

  test('credentials for the region and for another account', async () => {
    const creds = await auth.credentialsForRegion()
    assert.ok(creds instanceof RegistryCredentials)
    assert.deepEqual([creds.host, creds.username, creds.password()], [HOST, 'AWS', MOTO_PASSWORD])
    assert.equal(creds.expiresAt, '2015-01-01T00:00:00Z')
    assert.equal(creds.region, 'us-east-1')
    assert.equal(creds.isPublic, false)
    assert.equal(creds.proxyEndpoint, 'https://' + HOST)
    assert.equal(creds.dockerAuth(), Buffer.from(`AWS:${MOTO_PASSWORD}`).toString('base64'))
    assert.equal(creds.authorizationHeader(), 'Basic ' + creds.dockerAuth())
    assert.equal(creds.isExpiredAt(BEFORE_MOTO_EXPIRY), false)
    assert.equal(creds.isExpiredAt('2015-01-01T00:00:00Z'), true)
    const other = await auth.credentials('https://210987654321.dkr.ecr.us-east-1.amazonaws.com/v2/')
    assert.equal(other.host, '210987654321.dkr.ecr.us-east-1.amazonaws.com')
    await auth.invalidate(HOST)
    assert.equal((await auth.credentials(HOST)).password(), MOTO_PASSWORD)
  })

  test('identity without secrets', async () => {
    const env = emulator()
    const identity = await auth.awsIdentity()
    assertShape(identity, 'AwsIdentity')
    assert.equal(identity.source, 'environment')
    assert.equal(identity.hasSessionToken, Boolean(env.AWS_SESSION_TOKEN))
    assert.equal(identity.accessKeyKind, 'other')
  })

  test('expired tokens are refused; static keys refused under requireTemporaryCredentials', async () => {
    await assert.rejects(new Authenticator(client).credentialsForRegion(), (e) => {
      assert.equal(e.code, 'Refused')
      assert.match(e.message, /2015-01-01/)
      return true
    })
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, token: process.env.AWS_SESSION_TOKEN }
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'
    delete process.env.AWS_SESSION_TOKEN
    try {
      const env = emulator()
      const stat = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
      const strict = new Authenticator(stat, { requireTemporaryCredentials: true, assumeNow: BEFORE_MOTO_EXPIRY })
      await assert.rejects(strict.credentials(HOST), { code: 'LongLivedCredentials' })
      assert.equal((await new Authenticator(stat, { assumeNow: BEFORE_MOTO_EXPIRY }).awsIdentity()).accessKeyKind, 'long-term')
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id
      if (saved.token !== undefined) process.env.AWS_SESSION_TOKEN = saved.token
    }
  })

  test('bad arguments', async () => {
    assert.throws(() => new Authenticator(client, { assumeNow: 'yesterday' }), { code: 'InvalidArgument' })
    await assert.rejects(auth.credentials('ghcr.io'), { code: 'InvalidReference' })
    assert.throws(() => new RegistryCredentials('h', 'AWS', 'p', 'not a time'), { code: 'InvalidArgument' })
  })

  test('disk cache shared through a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecr-core-node-cache-'))
    const a = new Authenticator(client, {
      assumeNow: BEFORE_MOTO_EXPIRY,
      diskCache: dir,
      principal: 'arn:aws:iam::123456789012:user/ci',
    })
    assert.equal((await a.credentials(HOST)).password(), MOTO_PASSWORD)
    assert.ok(existsSync(join(dir, 'cache.json')))
  })

  test('docker config written with mode 0600', async () => {
    const creds = await auth.credentials(HOST)
    const path = join(mkdtempSync(join(tmpdir(), 'ecr-core-node-docker-')), 'config.json')
    assert.deepEqual(writeDockerConfig(path, `https://${HOST}/v2/`, creds), { key: HOST, replaced: false, shadowedBy: null })
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).auths[HOST].auth, creds.dockerAuth())
    assert.equal(statSync(path).mode & 0o777, 0o600)
    assert.equal(writeDockerConfig(path, HOST, creds).replaced, true)
  })

  test('credential helper protocol fixture, get against the emulator', async () => {
    for (const c of fixture('helper_protocol.json').cases) {
      const out = await auth.runHelper(c.action, c.stdin)
      assert.deepEqual([out.stdout(), out.exitCode], [c.stdout, c.exitCode], c.name)
    }
    assert.equal((await auth.runHelper('version')).stdout().trim(), helperVersionLine().trim())
    const out = await auth.runHelper('get', HOST + '\n')
    assert.equal(out.exitCode, 0, out.stderr)
    assert.deepEqual(JSON.parse(out.stdout()), { ServerURL: HOST, Username: 'AWS', Secret: MOTO_PASSWORD })
  })

  test('public credentials reach ECR Public', async () => {
    // Moto's gap: no ECR Public API (it answers an HTML page). The request goes to ECR Public's
    // GetAuthorizationToken and its failure comes back typed, never as Internal; the mocked Rust tests
    // (ecr-core/src/auth/tests.rs) cover the documented response.
    await assert.rejects(auth.publicCredentials(), { code: 'Transport' })
  })

  test('same password as the ecr_login program', async (t) => {
    const program = join(process.env.ECR_CORE_BIN_DIR ?? '', 'ecr_login')
    if (!process.env.ECR_CORE_BIN_DIR || !existsSync(program)) return t.skip('ECR_CORE_BIN_DIR/ecr_login not built')
    const out = spawnSync(program, ['--assume-now', BEFORE_MOTO_EXPIRY, '--password-stdout'], {
      encoding: 'utf8',
      env: { ...process.env, ...emulator() },
    })
    assert.equal(out.status, 0, out.stderr)
    assert.equal(out.stdout.trim(), (await auth.credentialsForRegion()).password())
  })
})

test('docker config merge fixture', () => {
  const data = fixture('docker_config_merge.json')
  const c = data.credentials
  const creds = new RegistryCredentials('h', c.username, c.password, '2030-01-01T00:00:00Z')
  assert.equal(creds.dockerAuth(), c.auth)
  assert.ok(data.cases.length >= 5)
  for (const k of data.cases) {
    if (k.error) {
      assert.throws(() => mergeAuthEntry(k.before, k.server, creds), { code: k.error }, k.name)
      continue
    }
    const snapshot = JSON.stringify(k.before)
    const { config, outcome } = mergeAuthEntry(k.before, k.server, creds)
    assert.equal(JSON.stringify(config), JSON.stringify(k.after), k.name)
    assert.deepEqual([outcome.replaced, outcome.shadowedBy], [k.replaced, k.shadowedBy], k.name)
    assert.equal(JSON.stringify(k.before), snapshot)
  }
})

test('registry hosts fixture', () => {
  const data = fixture('hosts.json')
  for (const c of data.accept) assert.equal(registryRegion(c.input), c.region ?? null, c.input)
  for (const c of data.reject) assert.throws(() => registryRegion(c.input), (e) => e.code !== 'Internal', c.input)
})

test('default docker config path follows DOCKER_CONFIG', () => {
  const saved = process.env.DOCKER_CONFIG
  process.env.DOCKER_CONFIG = '/tmp/some-docker'
  try {
    assert.equal(defaultDockerConfigPath(), '/tmp/some-docker/config.json')
  } finally {
    if (saved === undefined) delete process.env.DOCKER_CONFIG
    else process.env.DOCKER_CONFIG = saved
  }
})

describe('settable clock, refresh policy, disk cache inspection', () => {
  const { DiskCache, RefreshPolicy } = require('../index.js').auth
  let client
  before(() => {
    const env = emulator()
    client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  })

  test('the settable clock decides expiry', async () => {
    const auth = new Authenticator(client, { assumeNow: BEFORE_MOTO_EXPIRY })
    assert.equal(auth.now, BEFORE_MOTO_EXPIRY)
    assert.equal((await auth.credentials(HOST)).password(), MOTO_PASSWORD)
    auth.advance(24 * 3600) // past moto's fixed expiry
    assert.equal(auth.now, '2015-01-01T12:00:00Z')
    await assert.rejects(auth.credentials(HOST), { code: 'Refused' })
    auth.setNow(BEFORE_MOTO_EXPIRY)
    assert.equal((await auth.credentials(HOST)).password(), MOTO_PASSWORD)
    assert.throws(() => auth.advance(-1), { code: 'InvalidArgument' })
    assert.throws(() => auth.setNow('yesterday'), { code: 'InvalidArgument' })
    const system = new Authenticator(client)
    assert.ok(Math.abs(Date.parse(system.now) - Date.now()) < 60_000)
    assert.throws(() => system.setNow(BEFORE_MOTO_EXPIRY), (e) => e.code === 'InvalidArgument' && /assumeNow/.test(e.message))
    assert.throws(() => system.advance(1), { code: 'InvalidArgument' })
  })

  test('refresh policy', async () => {
    const d = new RefreshPolicy()
    assert.deepEqual([d.aheadFraction, d.aheadMin, d.minRemaining], [0.25, 300, 60])
    assert.equal(d.refreshAt('2026-01-01T00:00:00Z', '2026-01-01T12:00:00Z'), '2026-01-01T09:00:00Z')
    assert.equal(d.usable('2026-01-01T12:00:00Z', '2026-01-01T11:58:00Z'), true)
    assert.equal(d.usable('2026-01-01T12:00:00Z', '2026-01-01T11:59:30Z'), false)
    const c = new RefreshPolicy({ aheadFraction: 0.5, aheadMin: 0, minRemaining: 3600 })
    assert.equal(c.refreshAt('2026-01-01T00:00:00Z', '2026-01-01T12:00:00Z'), '2026-01-01T06:00:00Z')
    assert.equal(c.usable('2026-01-01T12:00:00Z', '2026-01-01T11:00:00Z'), false)
    for (const bad of [{ aheadFraction: 1.5 }, { aheadMin: -1 }, { minRemaining: NaN }]) {
      assert.throws(() => new RefreshPolicy(bad), { code: 'InvalidArgument' })
    }
    assert.throws(() => d.usable('never', '2026-01-01T00:00:00Z'), { code: 'InvalidArgument' })
    // Applied: moto's token has 12 h left at BEFORE_MOTO_EXPIRY, too little for a 24 h minimum.
    const strict = new Authenticator(client, { assumeNow: BEFORE_MOTO_EXPIRY, refreshPolicy: { minRemaining: 24 * 3600 } })
    await assert.rejects(strict.credentials(HOST), { code: 'Refused' })
    const lenient = new Authenticator(client, { assumeNow: BEFORE_MOTO_EXPIRY, refreshPolicy: { minRemaining: 3600 } })
    assert.equal((await lenient.credentials(HOST)).password(), MOTO_PASSWORD)
    assert.throws(() => new Authenticator(client, { refreshPolicy: { aheadFraction: -0.1 } }), { code: 'InvalidArgument' })
  })

  test('disk cache inspection', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ecr-core-node-cache-')), 'cache')
    const cache = new DiskCache(dir, { maxEntries: 8 })
    assert.deepEqual([cache.dir, cache.file], [dir, join(dir, 'cache.json')])
    assert.deepEqual([cache.tokenCount(), cache.registries()], [0, []])
    const auth = new Authenticator(client, {
      assumeNow: BEFORE_MOTO_EXPIRY,
      diskCache: dir,
      principal: 'arn:aws:iam::123456789012:user/ci',
    })
    assert.equal(auth.diskCache.dir, dir)
    await auth.credentials(HOST)
    assert.equal(cache.tokenCount(), 1)
    assert.deepEqual(cache.registries(BEFORE_MOTO_EXPIRY), [`https://${HOST}`])
    assert.deepEqual(cache.registries(), []) // moto's token expired in 2015
    assert.equal(new Authenticator(client).diskCache, null)
    assert.throws(() => cache.registries('not a time'), { code: 'InvalidArgument' })
    const saved = { dir: process.env.ECR_CORE_CACHE_DIR, off: process.env.ECR_CORE_DISABLE_CACHE }
    try {
      process.env.ECR_CORE_CACHE_DIR = join(dir, 'env')
      delete process.env.ECR_CORE_DISABLE_CACHE
      assert.equal(DiskCache.fromEnv().dir, join(dir, 'env'))
      process.env.ECR_CORE_DISABLE_CACHE = '1'
      assert.equal(DiskCache.fromEnv(), null)
    } finally {
      for (const [k, v] of [['ECR_CORE_CACHE_DIR', saved.dir], ['ECR_CORE_DISABLE_CACHE', saved.off]]) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  })
})

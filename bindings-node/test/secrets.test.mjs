// Secrets never print: every secret-holding object — registry credentials, credential-helper replies,
// docker config merge outcomes, errors thrown while holding credentials, clients built from the AWS chain — is
// driven through every way it can be printed or logged (util.inspect with hidden and deep options, String(),
// template literals, JSON.stringify, console.log/error captured, util.format, Object.keys/entries, spread,
// structuredClone), and the secret must never appear. Only the explicit `password()` / `stdout()` methods show it.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { format, inspect } from 'node:util'
import { test } from 'node:test'

import { emulator, unique } from './emulator.mjs'

const require = createRequire(import.meta.url)
const { Authenticator, RegistryCredentials, mergeAuthEntry, writeDockerConfig } = require('../index.js').auth
const { EcrClient } = require('../index.js')

const SECRET = 's3cr3t-value-that-must-not-print'
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const MOTO_PASSWORD = '123456789012-auth-token'

/** What console.log / console.error print for `args`. */
function captured(fn) {
  const lines = []
  const saved = [console.log, console.error, console.info, console.dir]
  console.log = console.error = console.info = (...args) => lines.push(format(...args))
  console.dir = (obj, opts) => lines.push(inspect(obj, opts))
  try {
    fn()
  } finally {
    ;[console.log, console.error, console.info, console.dir] = saved
  }
  return lines.join('\n')
}

function renderings(obj) {
  const out = [
    inspect(obj),
    inspect(obj, { showHidden: true, depth: 10, getters: true }),
    inspect({ nested: [obj] }, { showHidden: true, depth: 10 }),
    String(obj),
    `${obj}`,
    JSON.stringify(obj),
    JSON.stringify({ nested: [obj] }),
    format('%s %o %O %j', obj, obj, obj, obj),
    JSON.stringify(Object.keys(obj)),
    JSON.stringify(Object.entries(obj)),
    JSON.stringify(Object.getOwnPropertyNames(obj)),
    JSON.stringify({ ...obj }),
    captured(() => {
      console.log(obj)
      console.error('creds:', obj)
      console.info('%o', obj)
      console.dir(obj, { showHidden: true, depth: 5 })
    }),
  ]
  try {
    out.push(JSON.stringify(structuredClone(obj)))
  } catch (e) {
    out.push(String(e))
  }
  return out
}

function assertNeverShown(obj, secret) {
  for (const text of renderings(obj)) assert.ok(!text.includes(secret), text)
}

const creds = (password = SECRET) =>
  new RegistryCredentials(HOST, 'AWS', password, '2030-01-01T00:00:00Z', { region: 'us-east-1' })

test('registry credentials are redacted everywhere', () => {
  const c = creds()
  assertNeverShown(c, SECRET)
  for (const text of renderings(c)) assert.ok(!text.includes(c.dockerAuth()), text)
  assert.equal(JSON.parse(JSON.stringify(c)).password, '<redacted>')
  assert.match(String(c), /password=<redacted>/)
  assert.equal(c.password(), SECRET) // the one explicit way
})

test('helper replies and live credentials are redacted', async () => {
  const env = emulator()
  const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  const auth = new Authenticator(client, { assumeNow: '2014-12-31T12:00:00Z' })
  const out = await auth.runHelper('get', HOST)
  assert.ok(out.stdout().includes(MOTO_PASSWORD)) // explicit
  assertNeverShown(out, MOTO_PASSWORD)
  assertNeverShown(await auth.credentials(HOST), MOTO_PASSWORD)
  assertNeverShown(auth, MOTO_PASSWORD)
})

test('docker config outcomes hold no secret; the written file only the base64 entry', () => {
  const c = creds()
  const path = join(mkdtempSync(join(tmpdir(), 'ecr-core-node-secret-')), 'config.json')
  const outcome = writeDockerConfig(path, HOST, c)
  const merged = mergeAuthEntry({ credsStore: 'desktop' }, HOST, c)
  for (const text of [...renderings(outcome), ...renderings(merged.outcome)]) {
    assert.ok(!text.includes(SECRET) && !text.includes(c.dockerAuth()), text)
  }
  assert.equal(merged.config.auths[HOST].auth, c.dockerAuth())
  assert.ok(!JSON.stringify(merged).includes(SECRET))
  assert.ok(!readFileSync(path, 'utf8').includes(SECRET))
})

test('errors thrown while holding credentials never show them', async () => {
  const c = creds()
  const dir = mkdtempSync(join(tmpdir(), 'ecr-core-node-secret-'))
  writeFileSync(join(dir, 'file'), 'x')
  const errors = []
  for (const call of [
    () => writeDockerConfig(join(dir, 'file', 'config.json'), HOST, c),
    () => mergeAuthEntry({ auths: [1] }, HOST, c),
    () => mergeAuthEntry({}, 'not a host!', c),
  ]) {
    try {
      call()
      assert.fail('no error')
    } catch (e) {
      assert.notEqual(e.code, 'Internal')
      errors.push(e)
    }
  }
  const env = emulator()
  const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  try {
    await new Authenticator(client).credentials(HOST) // moto's token expired in 2015: refused
    assert.fail('no error')
  } catch (e) {
    assert.equal(e.code, 'Refused')
    errors.push(e)
  }
  for (const e of errors) {
    for (const text of [...renderings(e), e.stack ?? '', e.message]) {
      assert.ok(!text.includes(SECRET) && !text.includes(c.dockerAuth()) && !text.includes(MOTO_PASSWORD), text)
    }
  }
})

test('verify reports never hold the registry password', async () => {
  const env = emulator()
  const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  const name = unique('node-secret')
  await client.createRepository(name)
  const v = await client.verifyPush(
    `${HOST}/${name}:v1`,
    { digest: 'sha256:' + 'a'.repeat(64), registryUrl: env.LOCAL_REGISTRY_URL },
    creds(),
  )
  assert.ok(!JSON.stringify(v).includes(SECRET))
})

test('a client and an authenticator never show AWS credentials', () => {
  const saved = process.env.AWS_SECRET_ACCESS_KEY
  process.env.AWS_SECRET_ACCESS_KEY = SECRET
  try {
    const client = new EcrClient({ region: 'us-east-1' })
    const auth = new Authenticator(client)
    for (const obj of [client, auth]) assertNeverShown(obj, SECRET)
  } finally {
    if (saved === undefined) delete process.env.AWS_SECRET_ACCESS_KEY
    else process.env.AWS_SECRET_ACCESS_KEY = saved
  }
})

test('an image config never shows environment values', () => {
  const { ImageConfig, checkSecrets } = require('../index.js').verify
  const blob = JSON.stringify({
    os: 'linux',
    architecture: 'amd64',
    config: { User: '10001', Env: ['PATH=/usr/bin', `API_TOKEN=${SECRET}`] },
  })
  const config = ImageConfig.parse(blob)
  assertNeverShown(config, SECRET)
  const finding = checkSecrets(config)
  assert.equal(finding.ok, false)
  assert.ok(!JSON.stringify(finding).includes(SECRET))
  assert.deepEqual(config.envNames, ['PATH', 'API_TOKEN'])
  assert.ok(config.env().includes(`API_TOKEN=${SECRET}`)) // the one explicit way
})

test('a registry client never shows its credentials', () => {
  const { RegistryClient } = require('../index.js').verify
  const reg = new RegistryClient(HOST, { url: 'http://127.0.0.1:9' }, creds())
  assertNeverShown(reg, SECRET)
  assertNeverShown(reg, creds().dockerAuth())
})

test('a client given explicit credentials never shows them', () => {
  const client = new EcrClient({ region: 'us-east-1', accessKeyId: 'AKIAEXPLICIT', secretAccessKey: SECRET, sessionToken: SECRET })
  assertNeverShown(client, SECRET)
  assertNeverShown(new Authenticator(client), SECRET)
})

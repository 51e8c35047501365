// EcrClient against the local ECR emulator (moto), and argument validation.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { before, describe, test } from 'node:test'

import { emulator, unique } from './emulator.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const { EcrClient } = require('../index.js')

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:' + 'a'.repeat(64), size: 2 },
  layers: [],
})
const DIGEST = 'sha256:' + createHash('sha256').update(MANIFEST).digest('hex')

describe('EcrClient against the emulator', () => {
  let client
  before(() => {
    const env = emulator()
    client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  })

  test('options are kept', () => {
    const env = emulator()
    assert.equal(client.region, env.AWS_REGION)
    assert.equal(client.endpointUrl, env.AWS_ENDPOINT_URL)
  })

  test('createRepository uses the recommended settings, describe and list see it', async () => {
    const name = unique('node-sync')
    const created = await client.createRepository(name)
    assertShape(created, 'Repository')
    assert.equal(created.repositoryName, name)
    assert.equal(created.imageTagMutability, 'IMMUTABLE')
    assert.equal(created.scanOnPush, true)
    assert.equal(created.encryptionType, 'AES256')
    assert.ok(created.repositoryUri.endsWith('/' + name))
    assert.deepEqual(await client.describeRepository(name), created)
    const names = (await client.listRepositories()).map((r) => r.repositoryName)
    assert.ok(names.includes(name))
  })

  test('createRepository with settings', async () => {
    const repo = await client.createRepository(unique('node-settings'), { tagMutability: 'MUTABLE', scanOnPush: false })
    assert.equal(repo.imageTagMutability, 'MUTABLE')
    assert.equal(repo.scanOnPush, false)
  })

  test('a missing repository rejects with RepositoryNotFound', async () => {
    await assert.rejects(client.describeRepository(unique('node-missing')), (err) => {
      assert.equal(err.code, 'RepositoryNotFound')
      assert.ok(err instanceof Error)
      return true
    })
  })

  test('a duplicate repository rejects with ServiceError naming the AWS code', async () => {
    const name = unique('node-dup')
    await client.createRepository(name)
    await assert.rejects(
      client.createRepository(name),
      (err) => err.code === 'ServiceError' && err.message.includes('RepositoryAlreadyExists'),
    )
  })

  test('putImage and describeImages', async () => {
    const name = unique('node-images')
    await client.createRepository(name, { tagMutability: 'MUTABLE' })
    const id = await client.putImage(name, MANIFEST, {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      tag: 'v1',
      digest: DIGEST,
    })
    assert.deepEqual(id, { imageDigest: DIGEST, imageTag: 'v1' })
    const images = await client.describeImages(name)
    images.forEach((i) => assertShape(i, 'ImageDetail'))
    assert.deepEqual(images.map((i) => i.imageDigest), [DIGEST])
    assert.deepEqual(images[0].imageTags, ['v1'])
    assert.equal(images[0].imageStatus, 'ACTIVE')
    assert.deepEqual(await client.describeImages(name, ['v1']), images)
    assert.deepEqual(await client.describeImages(name, [{ imageDigest: DIGEST }]), images)
  })

  test('an unknown image rejects with ImageNotFound', async () => {
    const name = unique('node-noimage')
    await client.createRepository(name)
    await assert.rejects(client.describeImages(name, ['no-such-tag']), (err) => err.code === 'ImageNotFound')
  })

  test('calls run concurrently', async () => {
    const names = [0, 1, 2, 3].map(() => unique('node-all'))
    const created = await Promise.all(names.map((n) => client.createRepository(n)))
    assert.deepEqual(created.map((r) => r.repositoryName).sort(), [...names].sort())
  })
})

describe('arguments are checked before any request', () => {
  // Nothing listens on port 9: a request that was sent would fail with Transport, not InvalidArgument.
  const offline = new EcrClient({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9' })

  test('unknown settings key', () => {
    assert.throws(
      () => offline.createRepository('x', { scanOnPsuh: true }),
      (err) => err.code === 'InvalidArgument' && err.message.includes('settings.scanOnPsuh: unknown field `scanOnPsuh`'),
    )
  })

  test('wrong settings value', () => {
    assert.throws(
      () => offline.createRepository('x', { tagMutability: 'SOMETIMES' }),
      (err) => err.code === 'InvalidArgument' && err.message.includes('settings'),
    )
  })

  for (const [ids, text] of [
    [[''], 'imageIds[0]'],
    [[{ imageTag: 'a' }, {}], 'imageIds[1]: needs imageDigest or imageTag'],
    [[{ tag: 'a' }], 'unknown key "tag"'],
    ['v1', 'expected an array'],
    [[3], 'imageIds[0]'],
  ]) {
    test(`bad imageIds ${JSON.stringify(ids)}`, () => {
      assert.throws(
        () => offline.describeImages('repo', ids),
        (err) => err.code === 'InvalidArgument' && err.message.includes(text),
      )
    })
  }

  test('an unreachable endpoint rejects with a transport-level code', async () => {
    await assert.rejects(offline.listRepositories(), (err) =>
      ['Transport', 'Timeout', 'NoCredentials'].includes(err.code),
    )
  })
})

test('retry and timeout options', async () => {
  const env = emulator()
  const tuned = new EcrClient({
    region: env.AWS_REGION,
    endpointUrl: env.AWS_ENDPOINT_URL,
    retryMode: 'adaptive',
    maxAttempts: 2,
    initialBackoff: 0.01,
    connectTimeout: 1,
    operationTimeout: 5,
    attemptTimeout: Infinity,
  })
  assert.ok(Array.isArray(await tuned.listRepositories()))
  for (const bad of [{ retryMode: 'eager' }, { maxAttempts: 0 }, { maxAttempts: 1.5 }, { connectTimeout: -1 },
    { attemptTimeout: NaN }, { operationTimeout: Infinity }]) {
    assert.throws(() => new EcrClient({ region: 'us-east-1', ...bad }), { code: 'InvalidArgument' }, JSON.stringify(bad))
  }
  // One attempt against a closed port fails fast and typed.
  const start = Date.now()
  const dead = new EcrClient({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9', maxAttempts: 1, connectTimeout: 1, operationTimeout: 3 })
  await assert.rejects(dead.listRepositories(), (e) => ['Transport', 'Timeout'].includes(e.code))
  assert.ok(Date.now() - start < 10_000)
})

test('explicit credentials', async () => {
  const env = emulator()
  // The emulator accepts any keys: explicit ones replace the (dummy) chain.
  const explicit = new EcrClient({
    region: env.AWS_REGION,
    endpointUrl: env.AWS_ENDPOINT_URL,
    accessKeyId: 'AKIAEXPLICIT',
    secretAccessKey: 'explicit-secret',
    sessionToken: 'explicit-token',
  })
  assert.ok(Array.isArray(await explicit.listRepositories()))
  for (const bad of [{ accessKeyId: 'AKIA' }, { secretAccessKey: 's' }, { sessionToken: 't' }, { accessKeyId: '', secretAccessKey: 's' }]) {
    assert.throws(() => new EcrClient({ region: 'us-east-1', ...bad }), { code: 'InvalidArgument' }, JSON.stringify(bad))
  }
})

// Lifecycle policies from Node: the shared fixtures (fixtures/lifecycle/) replayed, previews equal to the
// lifecycle_preview program's JSON, and the repository operations against the emulator.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'

import { emulator, root, unique } from './emulator.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const { EcrClient } = require('../index.js')
const { LifecycleImages, LifecyclePolicy } = require('../index.js').lifecycle

const LIFECYCLE = join(root, 'fixtures', 'lifecycle')
const VALIDATION = JSON.parse(readFileSync(join(LIFECYCLE, 'validation.json'), 'utf8')).cases
const EVALUATION = JSON.parse(readFileSync(join(LIFECYCLE, 'evaluation.json'), 'utf8')).cases
const EXTRAS = ['reclaimedBytes', 'protectedImages', 'blockedImages', 'collateralTags', 'followingSubject', 'warnings']
const policyText = (c) => c.policyText ?? JSON.stringify(c.policy)
const tmp = mkdtempSync(join(tmpdir(), 'ecr-core-node-lifecycle-'))

function program(name) {
  const dir = process.env.ECR_CORE_BIN_DIR
  assert.ok(dir, 'ECR_CORE_BIN_DIR must name the directory of the built example programs')
  return join(dir, name)
}

describe('fixtures/lifecycle/validation.json', () => {
  for (const c of VALIDATION) {
    test(c.name, () => {
      const text = policyText(c)
      const doc = LifecyclePolicy.validate(text)
      assertShape(doc, 'LifecycleValidation')
      const unused = [...doc.errors]
      for (const want of c.expect.errors) {
        const i = unused.findIndex((e) => e.path === want.path && e.message.includes(want.messageContains))
        assert.ok(i >= 0, `missing ${JSON.stringify(want)} in ${JSON.stringify(doc.errors)}`)
        unused.splice(i, 1)
      }
      assert.deepEqual(unused, [])
      if (doc.errors.length) {
        assert.throws(() => LifecyclePolicy.fromJson(text), (err) => {
          assert.equal(err.code, 'PolicyValidation')
          assert.deepEqual(err.errors, doc.errors)
          return true
        })
      } else {
        const policy = LifecyclePolicy.fromJson(text)
        assert.deepEqual(policy.warnings, doc.warnings)
        if (c.policy) {
          assert.deepEqual(policy.toJSON(), c.policy)
          assert.deepEqual(JSON.parse(policy.toText()), c.policy)
          assert.deepEqual(LifecyclePolicy.fromObject(c.policy).toJSON(), c.policy)
        }
      }
      if (c.expect.warnings) {
        const key = (w) => `${w.kind} ${w.path}`
        assert.deepEqual(doc.warnings.map(key).sort(), c.expect.warnings.map(key).sort())
      }
    })
  }
})

function evaluate(c, images) {
  return LifecyclePolicy.fromJson(policyText(c)).evaluate(images, {
    now: c.now,
    protected: c.protected ?? [],
    manifestLists: c.manifestLists,
  })
}

describe('fixtures/lifecycle/evaluation.json', () => {
  for (const c of EVALUATION) {
    test(c.name, () => {
      const got = evaluate(c, c.images)
      for (const [key, want] of Object.entries(c.expect)) assert.deepEqual(got[key], want, key)
      for (const key of EXTRAS) assert.ok(key in got, key)
      const text = JSON.stringify(c.images)
      assert.deepEqual(evaluate(c, text), got)
      assert.deepEqual(evaluate(c, { imageDetails: c.images }), got)
      const parsed = LifecycleImages.fromJson(text)
      assert.equal(parsed.length, c.images.length)
      assert.deepEqual(evaluate(c, parsed), got)
      assert.deepEqual(evaluate(c, LifecycleImages.fromArray(c.images)), got)
      const kept = LifecyclePolicy.fromJson(policyText(c)).evaluatePreview(parsed, {
        now: c.now,
        protected: c.protected ?? [],
        manifestLists: c.manifestLists,
      })
      assert.deepEqual(kept.toJSON(), got)
      assert.deepStrictEqual(JSON.parse(kept.toText()), got)
      assertShape(got, 'LifecyclePreview')
      assert.deepEqual(kept.summary, got.summary)
      assert.deepEqual(kept.expiringDigests, got.previewResults.filter((r) => r.action.type === 'EXPIRE').map((r) => r.imageDigest))
      if (!c.manifestLists) {
        writeFileSync(join(tmp, 'policy.json'), policyText(c))
        writeFileSync(join(tmp, 'images.json'), text)
        const args = ['--policy', join(tmp, 'policy.json'), '--images', join(tmp, 'images.json'), '--now', c.now]
        for (const d of c.protected ?? []) args.push('--protect', d)
        const out = spawnSync(program('lifecycle_preview'), args, { encoding: 'utf8' })
        assert.equal(out.status, 0, out.stderr)
        assert.deepEqual(got, JSON.parse(out.stdout))
      }
    })
  }
})

test('bad images and dates are typed errors', () => {
  const policy = LifecyclePolicy.fromJson(policyText(EVALUATION[0]))
  assert.throws(() => policy.evaluate('not json'), { code: 'InvalidArgument' })
  assert.throws(() => policy.evaluate([{ imageDigest: 'sha256:a' }, { imageDigest: 5 }]), /images\[1\]/)
  const badSecond = { code: 'InvalidArgument', message: /images\[1\]/ }
  assert.throws(() => LifecycleImages.fromArray([{ imageDigest: 'sha256:a' }, { imageDigest: 5 }]), badSecond)
  assert.throws(() => LifecycleImages.fromArray({ imageDetails: [{ imageDigest: 'sha256:a' }, { imageDigest: 'sha256:b', imageTags: 'v1' }] }), badSecond)
  assert.throws(() => LifecycleImages.fromArray(5), { code: 'InvalidArgument', message: /images/ })
  assert.throws(() => policy.evaluate([], { now: 'yesterday' }), { code: 'InvalidArgument' })
  const at = policy.evaluate(EVALUATION[0].images, { now: new Date(EVALUATION[0].now) })
  assert.deepEqual(at, evaluate(EVALUATION[0], EVALUATION[0].images))
})

test('images from the AWS SDK for JavaScript (Date timestamps) equal their ISO text; unrepresentable input is typed', () => {
  const c = EVALUATION.find((e) => e.images.some((i) => typeof i.imagePushedAt === 'string'))
  const withDates = c.images.map((i) => {
    const image = { ...i }
    for (const key of ['imagePushedAt', 'lastRecordedPullTime', 'lastArchivedAt', 'lastActivatedAt']) {
      if (typeof image[key] === 'string') image[key] = new Date(image[key])
    }
    return image
  })
  assert.ok(withDates.some((i) => i.imagePushedAt instanceof Date))
  assert.deepEqual(evaluate(c, withDates), evaluate(c, c.images))
  const policy = LifecyclePolicy.fromJson(policyText(c))
  const cyclic = { imageDigest: 'sha256:a' }
  cyclic.self = cyclic
  assert.throws(() => policy.evaluate([cyclic]), { code: 'InvalidArgument', message: /images.*circular/ })
  assert.throws(() => policy.evaluate([{ imageDigest: 'sha256:a', imageSizeInBytes: 1n }]), {
    code: 'InvalidArgument',
    message: /BigInt/,
  })
  assert.throws(() => policy.evaluate(undefined), { code: 'InvalidArgument' })
})

// Keeps the newest `keep` images tagged `prefix`, archives the rest after 200 days and expires them 200 days later.
function archivingPolicy(prefix, keep) {
  return LifecyclePolicy.fromJson(
    JSON.stringify({
      rules: [
        { rulePriority: 1, selection: { tagStatus: 'tagged', tagPrefixList: [prefix], countType: 'imageCountMoreThan', countNumber: keep }, action: { type: 'expire' } },
        { rulePriority: 2, selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 200 }, action: { type: 'transition', targetStorageClass: 'archive' } },
        { rulePriority: 3, selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 200 }, action: { type: 'expire' } },
      ],
    }),
  )
}

test('evaluate builds the same object as the JSON document: non-ASCII tags, unknown push times, archive', () => {
  const policy = archivingPolicy('café', 1)
  const images = [
    { imageDigest: 'sha256:a1', imageTags: ['café-1', 'ü-😀'] },
    { imageDigest: 'sha256:b2', imageTags: ['café-2'] },
    { imageDigest: 'sha256:c3', imageTags: ['x'], imagePushedAt: '2020-01-01T00:00:00.123Z' },
    { imageDigest: 'sha256:d4', imageTags: ['é'], imagePushedAt: 1500000000.5, imageStatus: 'ARCHIVED', lastArchivedAt: '2021-01-01T00:00:00Z' },
  ]
  const options = { now: '2026-06-01T00:00:00Z' }
  const got = policy.evaluate(images, options)
  assert.deepStrictEqual(got, policy.evaluatePreview(images, options).toJSON())
  assert.deepStrictEqual(
    got.previewResults.map((r) => [r.imageDigest, r.imageTags, r.imagePushedAt, r.action, r.storageClass]),
    [
      ['sha256:a1', ['café-1', 'ü-😀'], null, { type: 'EXPIRE' }, 'STANDARD'],
      ['sha256:c3', ['x'], '2020-01-01T00:00:00.123Z', { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' }, 'STANDARD'],
      ['sha256:d4', ['é'], '2017-07-14T02:40:00.500Z', { type: 'EXPIRE' }, 'ARCHIVE'],
    ],
  )
  assert.deepStrictEqual(got.collateralTags.map((c) => c.collateralTags), [['ü-😀']])
  const kept = policy.evaluatePreview(images, options)
  assert.deepStrictEqual(JSON.parse(kept.toText()), got)
  assert.deepStrictEqual(kept.expiringDigests, ['sha256:a1', 'sha256:d4'])
  const keepAll = LifecyclePolicy.fromJson(
    JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } }] }),
  )
  assert.deepStrictEqual(keepAll.evaluatePreview(images, options).expiringDigests, [])
  // A digest holding a newline (the digests otherwise cross as one string split on newlines).
  const oddImages = [...images, { imageDigest: 'sha256:e\n5', imageTags: ['café-0'], imagePushedAt: 1 }]
  const odd = policy.evaluatePreview(oddImages, options)
  const oddExpiring = odd.toJSON().previewResults.filter((r) => r.action.type === 'EXPIRE').map((r) => r.imageDigest)
  assert.ok(oddExpiring.includes('sha256:e\n5') && oddExpiring.length === 3, String(oddExpiring))
  assert.deepStrictEqual(odd.expiringDigests, oddExpiring)
})

// Enough results (over 4096) for the document text to be written in two halves on two threads: the halves'
// boundary; all-ASCII text (it crosses as an external Latin-1 string) and text with non-ASCII tags (it
// crosses as UTF-8); results read again call after call.
function manyImages(count, nonAsciiFrom) {
  return Array.from({ length: count }, (_, i) => ({
    imageDigest: 'sha256:' + createHash('sha256').update(String(i)).digest('hex'),
    imageTags: i % 7 === 0 ? [] : i >= nonAsciiFrom && i % 3 === 0 ? [`rc-${i}`, `ü-${i}😀`] : [`rc-${i}`],
    imagePushedAt: i % 11 === 0 ? undefined : 1_600_000_000 + i * 60 + (i % 5) / 4,
    imageSizeInBytes: 1000 + i,
    ...(i % 13 === 0 ? { imageStatus: 'ARCHIVED', lastArchivedAt: '2025-01-01T00:00:00Z' } : {}),
  }))
}

test('evaluate of many results equals the JSON document, call after call', () => {
  const policy = archivingPolicy('rc', 100)
  const options = { now: '2026-06-01T00:00:00Z' }
  for (const nonAsciiFrom of [0, 9000, Infinity]) {
    const images = manyImages(12_000, nonAsciiFrom)
    const first = policy.evaluate(images, options)
    assert.ok(first.previewResults.length > 8000, `${first.previewResults.length} results`)
    const kept = policy.evaluatePreview(images, options)
    assert.deepStrictEqual(first, kept.toJSON())
    assert.deepStrictEqual(JSON.parse(kept.toText()), first)
    const expiring = first.previewResults.filter((r) => r.action.type === 'EXPIRE').map((r) => r.imageDigest)
    assert.ok(expiring.length > 1000, `${expiring.length} expiring`)
    assert.deepStrictEqual(kept.expiringDigests, expiring)
    assert.deepStrictEqual(policy.evaluate(images, options), first)
    const tags = first.previewResults.flatMap((r) => r.imageTags)
    assert.equal(tags.some((t) => t.includes('😀')), nonAsciiFrom !== Infinity)
    assert.ok(first.previewResults.some((r) => r.imagePushedAt === null && r.storageClass === 'ARCHIVE'))
  }
})

test('evaluate in a worker thread (its own JS environment) builds the same object', async () => {
  const { Worker } = await import('node:worker_threads')
  const policyJson = JSON.stringify({
    rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } }],
  })
  const images = manyImages(6000, 3000)
  const options = { now: '2026-06-01T00:00:00Z' }
  const here = LifecyclePolicy.fromJson(policyJson).evaluate(images, options)
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads')
     const { LifecyclePolicy } = require(workerData.index).lifecycle
     const policy = LifecyclePolicy.fromJson(workerData.policyJson)
     policy.evaluate(workerData.images, workerData.options)
     parentPort.postMessage(policy.evaluate(workerData.images, workerData.options))`,
    { eval: true, workerData: { index: require.resolve('../index.js'), policyJson, images, options } },
  )
  const [there] = await Promise.all([
    new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject)),
    new Promise((resolve) => worker.once('exit', resolve)),
  ])
  assert.deepStrictEqual(there, here)
  assert.deepStrictEqual(LifecyclePolicy.fromJson(policyJson).evaluate(images, options), here)
})

// ------------------------------------------------------------------ against the emulator
// Moto gap: no lifecycle preview (StartLifecyclePolicyPreview), so ecrLifecyclePreview / compareWithEcr are
// only checked to reject with a typed error here (the comparison is covered by the core's mocked tests).

const KEEP_ONE = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep only the newest image',
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    },
  ],
}
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'

describe('lifecycle against the emulator', () => {
  let client
  before(() => {
    const env = emulator()
    client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  })

  test('put (validated first), preview, dry run, guards, expire', async () => {
    const repo = unique('node-lifecycle')
    await client.createRepository(repo)
    const digests = []
    for (let i = 0; i < 3; i++) {
      const config = 'sha256:' + createHash('sha256').update(`${repo}${i}`).digest('hex')
      const text = JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST_TYPE,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 2, digest: config },
        layers: [],
      })
      const digest = 'sha256:' + createHash('sha256').update(text).digest('hex')
      await client.putImage(repo, text, { mediaType: MANIFEST_TYPE, tag: `v${i}`, digest })
      digests.push(digest)
    }
    await assert.rejects(client.getLifecyclePolicy(repo), { code: 'LifecyclePolicyNotFound' })
    await assert.rejects(client.putLifecyclePolicy(repo, { rules: [] }), (err) => err.code === 'PolicyValidation' && err.errors.length > 0)
    await assert.rejects(client.getLifecyclePolicy(repo), { code: 'LifecyclePolicyNotFound' })
    assert.deepEqual(await client.putLifecyclePolicy(repo, LifecyclePolicy.fromObject(KEEP_ONE)), [])
    assert.deepEqual((await client.getLifecyclePolicy(repo)).toJSON(), KEEP_ONE)

    const images = await client.describeImagesAllStatuses(repo)
    assert.deepEqual(images.map((i) => i.imageDigest).sort(), [...digests].sort())
    assert.deepEqual(await client.manifestListChildren(repo, images), {})
    const report = await client.lifecyclePreview(repo)
    assert.equal(report.repository, repo)
    assert.equal(report.images.length, 3)
    assert.equal(report.ecrDiff, undefined)
    const expiring = report.preview.previewResults.map((r) => r.imageDigest)
    assert.equal(expiring.length, 2)
    assert.deepEqual(report.preview.summary, { expiringImageTotalCount: 2 })
    const offline = LifecyclePolicy.fromObject(KEEP_ONE).evaluate(LifecycleImages.fromArray(report.images))
    assert.deepEqual(offline.previewResults.map((r) => r.imageDigest).sort(), [...expiring].sort())

    await assert.rejects(client.expireImages(repo, report.preview, { dryRun: false, protected: [expiring[0]] }), { code: 'Refused' })
    await assert.rejects(client.expireImages(repo, report.preview, { dryRun: false, maxDeletions: 1 }), /maximum of 1/)
    assert.deepEqual(await client.expireImages(repo, report.preview), {
      dryRun: true, requested: expiring, deleted: [], failures: [], batches: 0,
    })
    assert.equal((await client.describeImages(repo)).length, 3)
    const done = await client.expireImages(repo, report.preview, { dryRun: false })
    assertShape(done, 'ExpireReport')
    assert.deepEqual([...done.deleted].sort(), [...expiring].sort())
    assert.deepEqual(done.failures, [])
    assert.deepEqual((await client.describeImages(repo)).map((i) => i.imageDigest), digests.filter((d) => !expiring.includes(d)))

    const kept = await client.lifecyclePreview(repo, { policy: JSON.stringify(KEEP_ONE), protected: digests, now: new Date() })
    assert.deepEqual(kept.preview.previewResults, [])
    await assert.rejects(client.ecrLifecyclePreview(repo, { timeout: 1, pollInterval: 0.1 }), (err) => typeof err.code === 'string')
    await assert.rejects(client.lifecyclePreview(repo, { compareWithEcr: true, ecrTimeout: 1, pollInterval: 0.1 }), (err) => typeof err.code === 'string')
  })
})
